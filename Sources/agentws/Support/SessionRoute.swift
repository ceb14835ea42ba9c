import AgentwsCore
import AgentwsDaemon
import Logging

/// Where a session command runs: through the daemon serving the workspace (which owns the live
/// sessions), or in this process when no daemon runs. Both print the same and exit the same.
enum SessionRoute {
    /// Runs `routed` with a connection to the workspace's daemon if one serves it, else `local`.
    static func run(
        _ context: CommandContext, options: WorkspaceOptions,
        routed: @Sendable (DaemonConnection) async throws -> Void, local: () async throws -> Void
    ) async throws {
        let workspace = context.workspace
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
        if ranThroughDaemon == nil { try await local() }
    }
}
