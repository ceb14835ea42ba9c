import AgentPluginSupport
import AgentProcess
import AgentwsJSON
import ProviderKit

/// The `options` of a claude provider instance (docs/providers/claude.md).
struct ClaudeOptions: Sendable {
    /// The program and its leading arguments.
    var command = ["claude"]
    /// More arguments, after the ones the plugin passes.
    var arguments: [String] = []
    /// Variables to add to (a string) or remove from (null) the environment claude inherits.
    var environment: [String: String?] = [:]
    /// `CLAUDE_CONFIG_DIR` for claude (relative paths: to the workspace root), or nil to inherit it.
    var configDirectory: String?
    /// The permission mode of threads without a runtime mode; nil leaves it to Claude's settings.
    var permissionMode: String?
    /// The models `describe` reports, or nil for any.
    var models: [String]?
    /// How long a control request (initialize, set_model, interrupt) may take.
    var requestTimeout: Duration = .seconds(60)
    /// How long a stopping claude gets after end of input, and again after SIGTERM.
    var stopGrace: Duration = .seconds(3)

    private static let names = [
        "args", "command", "config_dir", "env", "models", "permission_mode", "request_timeout_ms",
        "stop_grace_ms",
    ]

    init(_ options: [String: JSONValue], agent: AgentInstance) throws(PluginError) {
        do {
            let reader = try OptionReader(options, known: Self.names)
            command = try reader.command("command", example: "[claude]") ?? command
            arguments = try reader.strings("args") ?? []
            environment = try reader.environment("env")
            configDirectory = try reader.string("config_dir")
            permissionMode = try reader.choice("permission_mode", PermissionPolicy.modes)
            models = try reader.value("models", "a list of at least one model name") { value in
                let names = value.arrayValue?.compactMap(\.stringValue)
                guard let names, names.count == value.arrayValue?.count, !names.isEmpty,
                    !names.contains(where: \.isEmpty)
                else { return nil }
                return names
            }
            requestTimeout = try reader.milliseconds("request_timeout_ms") ?? requestTimeout
            stopGrace = try reader.milliseconds("stop_grace_ms") ?? stopGrace
        } catch {
            throw agent.invalidOptions(error)
        }
    }
}
