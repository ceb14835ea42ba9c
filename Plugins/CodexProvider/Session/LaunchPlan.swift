import Glibc
import ProviderKit

/// Exactly what is run for one session: the resolved program, argv and environment.
struct LaunchPlan: Sendable {
    /// The absolute path of the program.
    var executable: String
    /// argv, the program name as configured first.
    var arguments: [String]
    /// The whole environment of the child.
    var environment: [String: String]
    /// The child's working directory: the session's.
    var directory: String
    /// What the process is for, for the log: `thread t1`.
    var purpose: String

    /// The plan for `options`: the host's environment with the options' changes, and the program
    /// looked up on that environment's PATH (a name with a slash is taken relative to `workspace`).
    init(options: CodexOptions, instance: String, workspace: String, directory: String, purpose: String)
        throws(PluginError)
    {
        var environment = Self.hostEnvironment()
        // Codex colours its stderr log lines even into a pipe; the log file wants plain text.
        environment["NO_COLOR"] = "1"
        for (name, value) in options.environment {
            environment[name] = value
        }
        let program = options.command[0]
        self.executable = try Self.locate(
            program, path: environment["PATH"], workspace: workspace, instance: instance)
        self.arguments = [program] + options.commandArguments
        self.environment = environment
        self.directory = directory
        self.purpose = purpose
    }

    private static func hostEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if environment[name] == nil { environment[name] = String(text[text.index(after: equals)...]) }
            }
            entry += 1
        }
        return environment
    }

    private static func locate(_ program: String, path: String?, workspace: String, instance: String)
        throws(PluginError) -> String
    {
        let hint = "install the Codex CLI or set providers.\(instance).options.command to its path"
        if program.contains("/") {
            let absolute = program.hasPrefix("/") ? program : workspace + "/" + program
            guard access(absolute, X_OK) == 0 else {
                let reason = String(cString: strerror(errno))
                throw PluginError(
                    code: .providerFailed, message: "cannot run \(absolute): \(reason); \(hint)")
            }
            return absolute
        }
        let directories = (path ?? "").split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        for directory in directories where directory.hasPrefix("/") {
            let candidate = directory + "/" + program
            var status = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFREG
            {
                return candidate
            }
        }
        throw PluginError(
            code: .providerFailed,
            message: "cannot find \"\(program)\" on PATH (\(path ?? "unset")); \(hint)")
    }
}
