import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import Logging

/// Resolves provider instance names from the configuration (`providers.<name>`) to live plugin
/// instances: discovers plugins once, on first use, and creates each instance once.
public final class ConfiguredProviders: ProviderResolver {
    private let configuration: Configuration
    private let workspace: String
    private let stateDirectory: @Sendable (String) -> String
    private let discover: @Sendable () -> PluginCatalog
    private let logger: Logger
    private let state = Locked<(catalog: PluginCatalog?, instances: [String: PluginProvider])>((nil, [:]))

    /// - Parameters:
    ///   - stateDirectory: where instance `name` keeps its state (created before the plugin sees it).
    ///   - catalog: discovers the plugins; called at most once.
    public init(
        configuration: Configuration, workspace: String,
        stateDirectory: @escaping @Sendable (String) -> String,
        catalog: @escaping @Sendable () -> PluginCatalog, logger: Logger = Logger(label: "agentws.plugins")
    ) {
        self.configuration = configuration
        self.workspace = workspace
        self.stateDirectory = stateDirectory
        self.discover = catalog
        self.logger = logger
    }

    /// The discovered plugins (discovering them now if needed).
    public var catalog: PluginCatalog {
        if let known = state.withLock({ $0.catalog }) { return known }
        let found = discover()
        return state.withLock { state in
            if let known = state.catalog { return known }
            state.catalog = found
            return found
        }
    }

    public func provider(named name: String) async throws -> any Provider {
        if let existing = state.withLock({ $0.instances[name] }) { return existing }
        guard let settings = configuration.providers[name] else {
            let known = configuration.providers.keys.sorted().joined(separator: ", ")
            throw AgentwsError(
                .notFound,
                "no provider instance '\(name)' is configured (configured: \(known)); add it under 'providers:' in .agentws/config.yaml"
            )
        }
        let catalog = catalog
        guard let plugin = catalog.plugin(named: settings.plugin) else {
            let message = catalog.missingPluginMessage(provider: name, plugin: settings.plugin)
            throw AgentwsError(.notFound, message)
        }
        let configuration = PluginProviderConfiguration(
            instanceName: name, options: settings.options, workspace: workspace,
            stateDirectory: stateDirectory(name))
        // Created under the lock: two racing callers must not create two instances of one provider.
        return try state.withLock { state in
            if let existing = state.instances[name] { return existing }
            let instance = try PluginProvider(plugin: plugin, configuration: configuration, logger: logger)
            state.instances[name] = instance
            return instance
        }
    }
}
