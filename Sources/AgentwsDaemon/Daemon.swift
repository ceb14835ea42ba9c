import AgentwsACP
import AgentwsCore
import AgentwsStorage
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The resident processes: `agentws serve` (the daemon on the workspace's socket) and `agentws acp`
/// when no daemon runs (ACP on stdio, in-process). Both are a `ServiceGroup`: the session owner,
/// the reaper, the transport; SIGTERM and SIGINT shut them down gracefully, transport first, so
/// that every session is stopped (cursor kept) before the process exits 0.
package enum Daemon {
    /// Serves the workspace on `state/agentws.sock` until SIGTERM or SIGINT. The caller holds the
    /// workspace's daemon lock, so any socket file already there was left by a daemon that is gone.
    package static func serve(
        agent: ACPAgent, workspace: Workspace, holding lock: DaemonLock, logger: Logger
    ) async throws {
        let path = workspace.socketPath
        try SocketFile.removeStale(path, logger: logger)
        let server = try await SocketFile.bind(
            path, group: MultiThreadedEventLoopGroup.singleton, lineLimit: LineLimits.server)
        let inode = SocketFile.inode(path)
        defer { SocketFile.remove(path, inode: inode) }
        logger.info("serving \(workspace.root) on \(path) (pid \(ProcessIDs.current))")
        try await run(
            agent: agent, stoppingWith: .shutdown,
            transport: SocketServer(server: server, agent: agent, logger: logger), logger: logger)
        logger.info("stopped")
    }

    /// Speaks ACP on stdin/stdout with the sessions in this process, until stdin ends, SIGTERM or
    /// SIGINT; then stops every session it started (reason `exit`, cursors kept).
    package static func serveStdio(agent: ACPAgent, logger: Logger) async throws {
        try await run(
            agent: agent, stoppingWith: .exit, transport: StdioServer(agent: agent, logger: logger),
            logger: logger)
    }

    /// Runs the session owner (stops every session with `cause` at the end), the reaper and
    /// `transport` as one group; the reaper or the transport ending ends the group.
    private static func run(
        agent: ACPAgent, stoppingWith cause: StopCause, transport: some Service, logger: Logger
    ) async throws {
        let service = agent.service
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: SessionOwnerService(service: service, cause: cause, logger: logger)),
            .init(
                service: ReaperService(
                    service: service, interval: service.configuration.reaper.sweepInterval.duration,
                    logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup),
            .init(
                service: transport,
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Shutdown interrupts running turns, so it is quick; a provider that hangs in stop must not
        // keep the process alive for ever.
        configuration.maximumGracefulShutdownDuration = .seconds(60)
        try await ServiceGroup(configuration: configuration).run()
    }
}
