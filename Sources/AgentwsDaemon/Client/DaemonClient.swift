import AgentwsStorage
import Logging
import NIOCore
import NIOPosix

/// Finds and connects to the daemon that serves a workspace, for the CLI's routed commands and
/// `agentws acp`.
package enum DaemonClient {
    /// How long to keep trying to connect to a daemon that holds its lock but does not accept yet
    /// (it is starting).
    static let startupPatience: Duration = .seconds(3)

    /// Runs `body` with a connection to the daemon serving `workspace`; nil, without running it,
    /// when no daemon serves the workspace (then the caller works in-process).
    package static func withDaemon<T: Sendable>(
        _ workspace: Workspace, logger: Logger, _ body: @Sendable (DaemonConnection) async throws -> T
    ) async throws -> T? {
        guard let channel = try await connect(workspace, logger: logger, framed: true) else { return nil }
        return try await channel.executeThenClose { inbound, outbound in
            let connection = DaemonConnection(outbound: outbound)
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    do {
                        for try await line in inbound { connection.receive(line) }
                    } catch {
                        logger.debug("reading from the daemon failed: \(error)")
                    }
                    connection.closed()
                    return nil
                }
                do {
                    let result = try await body(connection)
                    channel.channel.close(promise: nil)
                    try await group.waitForAll()
                    return result
                } catch {
                    channel.channel.close(promise: nil)
                    try? await group.waitForAll()
                    throw error
                }
            }
        }
    }

    /// Whether a daemon serves `workspace` (its lock is held), with its pid when known.
    package static func holder(_ workspace: Workspace) -> DaemonHolder? { DaemonLock.holder(workspace) }

    /// A channel to the daemon's socket, or nil when no daemon holds the workspace's lock. A daemon
    /// that holds its lock is waited for briefly (it may be starting); one that never accepts is
    /// reported and bypassed.
    static func connect(_ workspace: Workspace, logger: Logger, framed: Bool) async throws
        -> NIOAsyncChannel<ByteBuffer, ByteBuffer>?
    {
        let deadline = ContinuousClock.now + startupPatience
        while let holder = DaemonLock.holder(workspace) {
            do {
                return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelOption(.allowRemoteHalfClosure, value: true)
                    .connect(unixDomainSocketPath: workspace.socketPath) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            framed
                                ? try LineChannel.wrap(
                                    channel, lineLimit: LineLimits.client, halfClosure: true)
                                : try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                                    wrappingChannelSynchronously: channel,
                                    configuration: .init(isOutboundHalfClosureEnabled: true))
                        }
                    }
            } catch {
                if ContinuousClock.now >= deadline {
                    logger.warning(
                        "a daemon (pid \(holder.pid.map(String.init) ?? "?")) holds this workspace but its socket \(workspace.socketPath) does not answer (\(error)); working in-process"
                    )
                    return nil
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return nil
    }
}
