import AgentwsCore
import AgentwsDaemon
import AgentwsStorage
import Logging

/// Where a session command runs: through the daemon serving the workspace (which owns the live
/// sessions), or in this process when no daemon runs. Both print the same and exit the same.
///
/// The configuration is loaded only for `local`: through the daemon the command runs under the
/// configuration the daemon loaded, with `${VAR}`s from the daemon's environment, so a shell that
/// lacks a variable the daemon had (an API key) can still talk to it.
enum SessionRoute {
    /// Runs `routed` with a connection to the workspace's daemon if one serves it, else `local` with
    /// the workspace's configuration loaded in this process.
    static func run(
        _ workspace: Workspace, options: WorkspaceOptions,
        routed: @Sendable (DaemonConnection) async throws -> Void,
        local: (CommandContext) async throws -> Void
    ) async throws {
        if let daemon = DaemonClient.holder(workspace), !options.overrides.isEmpty {
            throw AgentwsError(
                .usage,
                "--set applies to commands that run in this process, but the daemon (pid \(daemon.pid.map(String.init) ?? "?")) serves this workspace with the configuration it started with; restart it with the setting ('agentws serve --set …'), or stop it to work in-process"
            )
        }
        let ranThroughDaemon = try await DaemonClient.withDaemon(
            workspace, logger: Logger(label: "agentws.client")
        ) {
            connection in
            try await routed(connection)
            return true
        }
        if ranThroughDaemon == nil { try await local(try CommandContext.open(workspace, options: options)) }
    }
}
