import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsStorage
import AgentwsSystem
import AgentwsTestSupport
import Foundation

/// The session service as the product assembles it — files on disk, plugins through the loader —
/// but with a clock the test moves, so the reaper can be driven without waiting.
final class RealEchoHarness: Sendable {
    let root: String
    private let temporary: TemporaryDirectory
    let workspace: Workspace
    let store: FileThreadStore
    let clock = ManualClock()

    init() throws {
        temporary = try TemporaryDirectory(prefix: "agentws-it")
        root = temporary.path
        workspace = try WorkspaceInitializer.initialize(at: root).workspace
        store = try FileThreadStore(workspace: workspace)
        _ = try BuildProducts.library("AgentwsEcho")
    }

    func remove() { temporary.remove() }

    func service(_ change: (inout Configuration) -> Void = { _ in }) -> SessionService {
        var configuration = Configuration.defaults
        configuration.reaper.idleTimeout = .minutes(10)
        change(&configuration)
        let workspace = workspace
        let providers = ConfiguredProviders(
            configuration: configuration, workspace: workspace.root,
            stateDirectory: { workspace.providerStateDirectory($0) },
            catalog: {
                PluginCatalog.discover(
                    searchPath: PluginSearchPath(directories: [BuildProducts.directory]))
            })
        let clock = clock
        return SessionService(
            store: store, providers: providers, configuration: configuration, workspaceRoot: workspace.root,
            residency: .resident,
            clock: clock, wallClock: { clock.wall })
    }

    /// Sends and returns the reply text.
    func send(_ service: SessionService, _ thread: String, _ text: String) async throws -> String {
        let reply = Locked("")
        _ = try await service.send(SendRequest(thread: try ThreadID(thread), text: text)) { event in
            if case .text(let text) = event { reply.withLock { $0 += text } }
        }
        return reply.withLock { $0 }
    }

    func binding(_ thread: String) throws -> Binding? { try store.readBinding(try ThreadID(thread)) }

    /// What `show` says of the thread on this machine (live, stopped, error).
    func state(_ service: SessionService, _ thread: String) async throws -> ThreadState {
        try await service.show(try ThreadID(thread)).state
    }
}
