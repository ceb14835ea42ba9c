import AgentwsACP
import AgentwsConfig
import AgentwsCore
import AgentwsPlugins
import AgentwsStorage
import Foundation
import Logging

/// What a workspace command works with: the workspace, its effective configuration, and on demand
/// the store, the plugins and the session service.
struct CommandContext: Sendable {
    let workspace: Workspace
    let loaded: LoadedConfiguration
    var configuration: Configuration { loaded.configuration }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var currentDirectory: String { FileManager.default.currentDirectoryPath }

    /// Finds the workspace and loads the configuration layers for it.
    static func open(_ options: WorkspaceOptions) throws -> CommandContext {
        try open(locate(options), options: options)
    }

    /// Loads the configuration layers for `workspace`.
    static func open(_ workspace: Workspace, options: WorkspaceOptions) throws -> CommandContext {
        CommandContext(
            workspace: workspace, loaded: try loadConfiguration(workspace: workspace, options: options))
    }

    /// Finds the workspace without reading its configuration: what a command routed to the daemon
    /// needs (the daemon runs with the configuration it loaded, in its own environment).
    static func locate(_ options: WorkspaceOptions) throws -> Workspace {
        try Workspace.locate(
            explicit: options.workspace, environment: environment, currentDirectory: currentDirectory)
    }

    static func loadConfiguration(workspace: Workspace?, options: WorkspaceOptions) throws
        -> LoadedConfiguration
    {
        try loadConfiguration(workspace: workspace, overrides: options.overrides)
    }

    /// Loads the configuration layers for `workspace` with the `--set` arguments `overrides`.
    static func loadConfiguration(workspace: Workspace?, overrides: [String]) throws -> LoadedConfiguration {
        let overrides = try overrides.map { argument throws(AgentwsError) in
            try ConfigOverride(parsing: argument)
        }
        let loader = ConfigurationLoader(
            environment: environment,
            userConfigPath: ConfigurationLoader.userConfigPath(environment: environment),
            workspaceConfigPath: workspace.map {
                ConfigurationLoader.workspaceConfigPath(workspaceRoot: $0.root)
            },
            overrides: overrides)
        return try loader.load()
    }

    func openStore() throws -> FileThreadStore { try FileThreadStore(workspace: workspace) }

    /// How this program starts plugin hosts (`agentws-plugin-host` beside it, else itself as
    /// `agentws plugin-host`); nil when its own path is unknown, and then every plugin runs in this
    /// process.
    var hostSettings: PluginHostSettings? {
        PluginHostSettings.forThisProgram(callTimeout: configuration.plugins.callTimeout.duration)
    }

    /// Discovers the plugins on the search path (SPEC §8.2). Files that would run isolated
    /// (`plugins.isolation`, or every file with `isolation`) are examined in plugin hosts, unless an
    /// earlier command examined them unchanged (`state/plugin-probes.json`); with `isolation` (the
    /// `providers` and `doctor` commands) every file is examined again.
    func discoverPlugins(isolation forced: Configuration.Isolation? = nil) async -> PluginCatalog {
        let searchPath = PluginSearchPath.current(
            configuration: configuration.plugins, workspaceRoot: workspace.root)
        guard let hostSettings else { return PluginCatalog.discover(searchPath: searchPath) }
        let global = forced ?? configuration.plugins.isolation
        let isolation = PluginCatalog.Isolation(
            settings: hostSettings, logDirectory: workspace.stateDirectory, trustsRemembered: forced == nil,
            isolates: { origin in
                let shipped = PluginSearchPath.shippedOrigins.contains(origin)
                return (global ?? (shipped ? Configuration.Plugins.shippedIsolation : .process)) == .process
            })
        return await PluginCatalog.discover(searchPath: searchPath, isolation: isolation)
    }

    /// The provider instances of the configuration, with plugins discovered on first use; with
    /// `isolation`, every instance runs that way whatever the configuration says.
    func makeProviders(isolation: Configuration.Isolation? = nil) -> ConfiguredProviders {
        let workspace = workspace
        let context = self
        return ConfiguredProviders(
            configuration: configuration, workspace: workspace.root,
            stateDirectory: { workspace.providerStateDirectory($0) },
            catalog: { await context.discoverPlugins(isolation: isolation) }, hostSettings: hostSettings,
            isolation: isolation)
    }

    /// The session service for this process.
    func makeService(
        residency: SessionService.Residency, store: FileThreadStore, providers: ConfiguredProviders? = nil
    ) -> SessionService {
        // .agentws/.gitignore follows transcripts.mode (SPEC §11); a failure here is doctor's to report.
        _ = try? TranscriptIgnore.apply(configuration.transcripts.mode, in: workspace)
        return SessionService(
            store: store, providers: providers ?? makeProviders(), configuration: configuration,
            workspaceRoot: workspace.root, residency: residency, wallClock: { UTCDateTime.now },
            transcripts: FileTranscriptStore(workspace: workspace))
    }

    /// An ACP agent over a resident session service of this process (the daemon, `agentws acp`).
    func makeAgent(logger: Logger) throws -> ACPAgent {
        let providers = makeProviders()
        let service = makeService(residency: .resident, store: try openStore(), providers: providers)
        let workspace = workspace
        let configuration = configuration
        let environment = ACPEnvironment(
            agentVersion: AgentwsVersion.current,
            relativePath: { workspace.relativePath(of: $0) },
            providersReport: {
                await ProvidersCommand.report(configuration: configuration, providers: providers)
            },
            now: { UTCDateTime.now })
        return ACPAgent(service: service, environment: environment, logger: logger)
    }

    /// The working directory of a new thread: the current directory relative to the workspace root
    /// (the root itself when the command runs from outside it).
    var relativeCurrentDirectory: String { Self.relativeCurrentDirectory(in: workspace) }

    /// The current directory relative to `workspace`'s root, the root itself from outside it.
    static func relativeCurrentDirectory(in workspace: Workspace) -> String {
        workspace.relativePath(of: currentDirectory) ?? "."
    }
}

extension UTCDateTime {
    /// The current time, to the second.
    static var now: UTCDateTime {
        UTCDateTime(secondsSinceEpoch: Int64(Date().timeIntervalSince1970.rounded(.down)))
    }
}
