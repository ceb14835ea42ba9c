import AgentPluginSupport
import AgentProcess
import AgentwsJSON
import ProviderKit

/// The `options` of a codex provider instance (docs/providers/codex.md).
struct CodexOptions: Sendable {
    /// How live sessions map onto `codex app-server` processes.
    enum Process: String, Sendable {
        /// One process per provider instance, serving every live session (the default).
        case shared
        /// One process per live session.
        case perSession = "per-session"
    }

    /// The program and its leading arguments.
    var command = ["codex", "app-server"]
    /// More arguments, after `command`.
    var arguments: [String] = []
    /// Codex configuration overrides, each passed as `-c KEY=VALUE`, in key order.
    var config: [(key: String, value: String)] = []
    /// Variables to add to (a string) or remove from (null) the environment codex inherits.
    var environment: [String: String?] = [:]
    /// The approval policy codex is started with, overriding the runtime mode's.
    var approvalPolicy: String?
    /// The sandbox of threads without a runtime mode.
    var sandbox: String?
    /// How long any single request to codex may take.
    var requestTimeout: Duration = .seconds(60)
    /// How long a stopping codex gets after end of input, and again after SIGTERM.
    var stopGrace: Duration = .seconds(3)
    /// Whether sessions share one process.
    var process = Process.shared
    /// How long a shared process is kept after its last session stopped, for the next one to use.
    var processLinger: Duration = .seconds(30)

    static let approvalPolicies = ["untrusted", "on-request", "never"]
    static let sandboxes = ["read-only", "workspace-write", "danger-full-access"]
    private static let names = [
        "approval_policy", "args", "command", "config", "env", "process", "process_linger_ms",
        "request_timeout_ms", "sandbox", "stop_grace_ms",
    ]

    init(_ options: [String: JSONValue], agent: AgentInstance) throws(PluginError) {
        do {
            let reader = try OptionReader(options, known: Self.names)
            command = try reader.command("command", example: "[codex, app-server]") ?? command
            arguments = try reader.strings("args") ?? []
            if let members = try reader.mapping("config", "codex settings") {
                config = try members.keys.sorted().map { key throws(OptionReader.Problem) in
                    guard let text = Self.tomlText(members[key] ?? .null) else {
                        throw OptionReader.Problem(
                            JSONFieldError(
                                path: "options.config.\(key)",
                                expected: "a string (TOML text), a number or a boolean", found: members[key]))
                    }
                    return (key, text)
                }
            }
            environment = try reader.environment("env")
            approvalPolicy = try reader.choice("approval_policy", Self.approvalPolicies)
            sandbox = try reader.choice("sandbox", Self.sandboxes)
            requestTimeout = try reader.milliseconds("request_timeout_ms") ?? requestTimeout
            stopGrace = try reader.milliseconds("stop_grace_ms") ?? stopGrace
            if let process = try reader.choice(
                "process", [Process.shared.rawValue, Process.perSession.rawValue])
            {
                self.process = Process(rawValue: process) ?? .shared
            }
            processLinger = try reader.milliseconds("process_linger_ms", allowZero: true) ?? processLinger
        } catch {
            throw agent.invalidOptions(error)
        }
    }

    /// A `-c` value: strings are taken as written (codex parses them as TOML, and takes text that is
    /// not TOML as a plain string); numbers and booleans are written as TOML literals.
    private static func tomlText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// The whole argument list after the program name.
    var commandArguments: [String] {
        Array(command.dropFirst()) + arguments + config.flatMap { ["-c", "\($0.key)=\($0.value)"] }
    }
}
