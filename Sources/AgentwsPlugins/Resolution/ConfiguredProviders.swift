import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import Logging

/// Resolves provider instance names from the configuration (`providers.<name>`) to live plugin
/// instances: discovers plugins once, on first use, and creates each instance once — in this process
/// (`PluginProvider`) or in a plugin host of its own (`IsolatedProvider`), as
/// `Configuration.isolation(forProvider:shipped:)` says.
package final class ConfiguredProviders: ProviderResolver {
    private let configuration: Configuration
    private let workspace: String
    private let stateDirectory: @Sendable (String) -> String
    private let discover: @Sendable () async -> PluginCatalog
    private let hostSettings: PluginHostSettings?
    private let forcedIsolation: Configuration.Isolation?
    private let logger: Logger
    private let state = Locked<(catalog: PluginCatalog?, instances: [String: any Provider])>((nil, [:]))

    /// - Parameters:
    ///   - stateDirectory: where instance `name` keeps its state (created before the plugin sees it).
    ///   - catalog: discovers the plugins; called once (twice only when two first uses race).
    ///   - hostSettings: how plugin hosts are started; nil runs every instance in this process.
    ///   - isolation: overrides the configuration for every instance (`providers` and `doctor`
    ///     create each instance in a host of its own).
    package init(
        configuration: Configuration, workspace: String,
        stateDirectory: @escaping @Sendable (String) -> String,
        catalog: @escaping @Sendable () async -> PluginCatalog, hostSettings: PluginHostSettings? = nil,
        isolation: Configuration.Isolation? = nil, logger: Logger = Logger(label: "agentws.plugins")
    ) {
        self.configuration = configuration
        self.workspace = workspace
        self.stateDirectory = stateDirectory
        self.discover = catalog
        self.hostSettings = hostSettings
        self.forcedIsolation = isolation
        self.logger = logger
    }

    /// The discovered plugins (discovering them now if needed).
    package func catalog() async -> PluginCatalog {
        if let known = state.withLock({ $0.catalog }) { return known }
        let found = await discover()
        return state.withLock { state in
            if let known = state.catalog { return known }
            state.catalog = found
            return found
        }
    }

    /// How instance `name` of `plugin` runs.
    package func isolation(ofProvider name: String, plugin: LoadedPlugin, catalog: PluginCatalog)
        -> Configuration.Isolation
    {
        guard hostSettings != nil else { return .inProcess }
        return forcedIsolation
            ?? configuration.isolation(forProvider: name, shipped: catalog.isShipped(plugin))
    }

    /// Gets instance `name` ready ahead of its first call: discovers the plugins, creates the
    /// instance, and for an instance in a plugin host starts the host and creates the instance there
    /// without waiting for it. Nothing is reported: the first call reports what went wrong.
    /// Returns whether the instance is being created in a plugin host.
    @discardableResult
    package func prepare(named name: String) async -> Bool {
        guard let isolated = try? await provider(named: name) as? IsolatedProvider else { return false }
        await isolated.prepare()
        return true
    }

    /// Ends the plugin hosts of the instances created so far (those in this process stay: a plugin
    /// is never unloaded).
    package func shutdownHosts() async {
        let instances = state.withLock { Array($0.instances.values) }
        for case let isolated as IsolatedProvider in instances { await isolated.shutdown() }
    }

    package func provider(named name: String) async throws -> any Provider {
        if let existing = state.withLock({ $0.instances[name] }) { return existing }
        guard let settings = configuration.providers[name] else {
            let known = configuration.providers.keys.sorted().joined(separator: ", ")
            throw AgentwsError(
                .notFound,
                "no provider instance '\(name)' is configured (configured: \(known)); add it under 'providers:' in .agentws/config.yaml"
            )
        }
        let catalog = await catalog()
        guard let plugin = catalog.plugin(named: settings.plugin) else {
            let message = catalog.missingPluginMessage(provider: name, plugin: settings.plugin)
            throw AgentwsError(.notFound, message)
        }
        let configuration = PluginProviderConfiguration(
            instanceName: name, options: settings.options, workspace: workspace,
            stateDirectory: stateDirectory(name))
        let isolation = isolation(ofProvider: name, plugin: plugin, catalog: catalog)
        // Created under the lock: two racing callers must not create two instances of one provider.
        return try state.withLock { state in
            if let existing = state.instances[name] { return existing }
            let instance: any Provider
            if isolation == .process, let hostSettings {
                instance = IsolatedProvider(
                    plugin: plugin, configuration: configuration, settings: hostSettings, logger: logger,
                    marksItsRuns: forcedIsolation == nil)
            } else {
                instance = try PluginProvider(plugin: plugin, configuration: configuration, logger: logger)
            }
            state.instances[name] = instance
            return instance
        }
    }
}
