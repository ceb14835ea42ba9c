import AgentProcess
import ProviderKit

/// Exactly what is run for one session: the resolved program, argv and environment.
struct LaunchPlan: Sendable {
    /// The command: program, argv, environment, working directory (the session's).
    var command: ProcessCommand
    /// What the process is for, for the log: `thread t1`.
    var purpose: String

    /// The plan for `options`: the host's environment with the options' changes, and the program
    /// looked up on that environment's PATH (a name with a slash is taken relative to `workspace`).
    init(options: CodexOptions, instance: String, workspace: String, directory: String, purpose: String)
        throws(PluginError)
    {
        var environment = ProgramLookup.hostEnvironment()
        // Codex colours its stderr log lines even into a pipe; the log file wants plain text.
        environment["NO_COLOR"] = "1"
        for (name, value) in options.environment {
            environment[name] = value
        }
        let program = options.command[0]
        let executable: String
        do {
            executable = try ProgramLookup.locate(program, path: environment["PATH"], relativeTo: workspace)
        } catch {
            let hint = "install the Codex CLI or set providers.\(instance).options.command to its path"
            throw PluginError(code: .providerFailed, message: "\(error); \(hint)")
        }
        self.command = ProcessCommand(
            executable: executable, arguments: [program] + options.commandArguments, environment: environment,
            directory: directory)
        self.purpose = purpose
    }
}
