import AgentProcess
import AgentwsJSON
import ProviderKit

/// What a plugin that runs an agent as a child process (codex, claude, acp) takes from its
/// configuration, in one place: the instance's and the plugin's names for messages, the workspace
/// and state directory (both must be absolute), the file the agent's stderr is appended to, the
/// refusal of bad options naming the instance, and the program and environment its agent runs with.
package struct AgentInstance: Sendable {
    /// The plugin, for messages: `codex`.
    package let plugin: String
    /// The provider instance: `codex-main`.
    package let name: String
    package let workspace: String
    package let stateDirectory: String
    /// The file in the state directory that the agent's stderr is appended to.
    package let logPath: String

    /// The instance of `configuration`, its agent's stderr going to `logFile` in its state
    /// directory.
    package init(_ configuration: PluginConfiguration, plugin: String, logFile: String) throws(PluginError) {
        self.plugin = plugin
        name = configuration.instanceName
        for (field, path) in [
            ("workspace", configuration.workspace), ("stateDirectory", configuration.stateDirectory),
        ]
        where !path.hasPrefix("/") {
            throw PluginError(
                code: .invalidRequest,
                message: "provider \"\(name)\" (\(plugin)): \(field) \"\(path)\" is not absolute")
        }
        workspace = configuration.workspace
        stateDirectory = configuration.stateDirectory
        logPath = configuration.stateDirectory + "/" + logFile
    }

    /// The refusal of the instance's options (read with `OptionReader`): `invalid-request` naming the
    /// instance, `provider "c" (codex): options.sandbox: expected one of …, found 3`.
    package func invalidOptions(_ problem: OptionReader.Problem) -> PluginError {
        PluginError(code: .invalidRequest, message: "provider \"\(name)\" (\(plugin)): \(problem)")
    }

    /// A path from the options: absolute as it is, else relative to the workspace.
    package func path(_ path: String) -> String {
        path.hasPrefix("/") ? path : workspace + "/" + path
    }

    /// The environment of the agent: the host's, with `changes` applied (a nil value removes the
    /// variable).
    package static func environment(_ changes: [String: String?]) -> [String: String] {
        var environment = ProgramLookup.hostEnvironment()
        for (name, value) in changes {
            environment[name] = value
        }
        return environment
    }

    /// The path of `program`, looked up on `environment`'s PATH (a name with a slash is taken
    /// relative to the workspace); when it is not found, `provider-failed` saying to `install` it
    /// or set the instance's `command` option to its path.
    package func locate(_ program: String, environment: [String: String], install: String) throws(PluginError)
        -> String
    {
        do {
            return try ProgramLookup.locate(program, path: environment["PATH"], relativeTo: workspace)
        } catch {
            throw PluginError(
                code: .providerFailed,
                message: "\(error); \(install) or set providers.\(name).options.command to its path")
        }
    }
}

extension PluginHost {
    /// The host's log, for what a child process's connection logs (`ProcessLog`).
    package var processLog: ProcessLog {
        { level, message in log(level.hostLevel, message) }
    }
}

extension ProcessLogLevel {
    /// The host's level for a connection's log line.
    package var hostLevel: PluginHost.LogLevel {
        switch self {
        case .info: return .info
        case .warning: return .warning
        case .error: return .error
        }
    }
}
