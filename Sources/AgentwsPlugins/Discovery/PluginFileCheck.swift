import AgentwsCore
import AgentwsSystem
import Logging

/// One plugin file judged as a host would judge it (`agentws plugin check`): the loader's checks
/// (§8.2), then an instance created in a scratch workspace and its `describe`.
///
/// `run` loads the plugin into this process, where a crash takes the check with it; `runIsolated`
/// (what `agentws plugin check` uses) runs it in plugin hosts (docs/plugin-abi.md §12.7, §13).
package struct PluginFileCheck: Sendable {
    /// The plugin as the loader accepted it.
    package let plugin: LoadedPlugin
    /// What `describe` answered.
    package let capabilities: ProviderCapabilities
    /// Set when a Swift plugin was built by another Swift release than this agentws.
    package let toolchainWarning: String?

    /// Loads `path` (absolute) from its own directory, creates an instance named `instanceName` with
    /// empty options in `scratch` (its workspace and state directory) and asks it to describe itself.
    ///
    /// - Throws: the `PluginRefusal` when the loader refuses the file, else the `ProviderError` of
    ///   `create` or `describe`.
    package static func run(path: String, instanceName: String, scratch: String, logger: Logger) async throws
        -> PluginFileCheck
    {
        let plugin = try PluginLoader.load(path: path, directory: path.parentDirectory, logger: logger)
        let provider = try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: instanceName, options: .object([:]), workspace: scratch,
                stateDirectory: scratch.appendingPathComponent("state")),
            logger: logger)
        let capabilities = try await provider.describe()
        return PluginFileCheck(
            plugin: plugin, capabilities: capabilities, toolchainWarning: toolchainWarning(plugin))
    }
}

extension PluginFileCheck {
    /// `run` with the file examined and its instance created in plugin hosts (`plugins.isolation:
    /// process`): a plugin that crashes or exits in its constructor, `create` or `describe` is
    /// reported with how its host died, and the check itself carries on.
    ///
    /// - Throws: the `PluginRefusal` when the loader refuses the file (`crashedHost` when loading it
    ///   killed the host), else the `ProviderError` of `create` or `describe`.
    package static func runIsolated(
        path: String, instanceName: String, scratch: String, settings: PluginHostSettings, logger: Logger
    ) async throws -> PluginFileCheck {
        let examined = await PluginProbe.examine(
            [(path, path.parentDirectory)], settings: settings, logDirectory: scratch, logger: logger)
        guard let outcome = examined.first else {
            throw PluginRefusal(path: path, reason: .crashedHost("no plugin host could examine it"))
        }
        let plugin = try outcome.get()
        let provider = IsolatedProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: instanceName, options: .object([:]), workspace: scratch,
                stateDirectory: scratch.appendingPathComponent("state")),
            settings: settings, logger: logger, marksItsRuns: false)
        let capabilities = try await provider.describe()
        await provider.shutdown()
        return PluginFileCheck(
            plugin: plugin, capabilities: capabilities, toolchainWarning: toolchainWarning(plugin))
    }

    /// The warning for a Swift plugin built by another Swift release than this agentws, or nil.
    static func toolchainWarning(_ plugin: LoadedPlugin) -> String? {
        HostToolchain.isMismatchedSwift(plugin.toolchain)
            ? "built with \(plugin.toolchain), agentws with \(HostToolchain.identifier): a Swift plugin "
                + "must be built with the Swift release agentws was built with" : nil
    }

    /// Whether `name` can be a plugin's name (the magic block's `plugin_name`): `[a-z0-9][a-z0-9._-]*`,
    /// at most 64 bytes.
    package static func isValidPluginName(_ name: String) -> Bool {
        name.utf8.count <= PluginABI.maximumNameLength && PluginLoader.isValidName(name)
    }
}
