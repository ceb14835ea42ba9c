import AgentwsSystem
import AgentwsTestSupport
import Foundation

/// A temporary agentws workspace for plugins built by the test: its own HOME (nothing of the
/// developer's configuration or plugins is seen) and a plugin directory given by
/// AGENTWS_PLUGIN_PATH, the development loop docs/plugin-abi.md describes.
final class KitWorkspace {
    let root: TemporaryDirectory
    let workspace: String
    /// What AGENTWS_PLUGIN_PATH names: the built plugins under test are copied here.
    let plugins: String
    let environment: [String: String]

    /// - Parameter pluginPath: what AGENTWS_PLUGIN_PATH names (default: `<root>/plugins`).
    init(pluginPath: String? = nil) throws {
        root = try TemporaryDirectory(prefix: "agentws-kit")
        workspace = root.path + "/project"
        plugins = pluginPath ?? root.path + "/plugins"
        for directory in [workspace, root.path + "/plugins", root.path + "/home"] {
            try FileIO.makeDirectories(directory, mode: 0o700)
        }
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("AGENTWS_") { environment[key] = nil }
        environment["HOME"] = root.path + "/home"
        environment["XDG_CONFIG_HOME"] = root.path + "/home/.config"
        environment["XDG_DATA_HOME"] = nil  // the user plugin directory is then <HOME>/.local/share/…
        environment["AGENTWS_PLUGIN_PATH"] = plugins
        self.environment = environment
        let initialised = try run("init")
        guard initialised.status == 0 else { throw TestFailure("agentws init failed: \(initialised)") }
    }

    /// Writes `.agentws/config.yaml` with one provider instance of `plugin` as the default.
    func configure(provider: String, plugin: String, model: String) throws {
        let config = """
            models:
              default: \(provider)/\(model)
            providers:
              \(provider):
                plugin: \(plugin)

            """
        try AtomicFile.replace(Array(config.utf8), path: workspace + "/.agentws/config.yaml")
    }

    /// Runs `agentws ARGUMENTS` in the workspace and waits for it.
    @discardableResult
    func run(_ arguments: String...) throws -> ProcessOutcome {
        try RunningCommand(arguments, directory: workspace, environment: environment).finish()
    }
}
