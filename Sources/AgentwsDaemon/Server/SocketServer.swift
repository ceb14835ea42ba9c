import AgentwsACP
import AgentwsSystem
import Logging
import NIOCore
import ServiceLifecycle

/// The daemon's socket as a service: accepts connections, refuses peers of another uid
/// (`SO_PEERCRED`), and serves each client with a `ConnectionLoop`.
///
/// On graceful shutdown it stops accepting, interrupts the turns its clients have running, lets
/// the requests under way answer (a few seconds at most) and closes every connection — before the
/// session owner stops the sessions themselves.
final class SocketServer: Service {
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let agent: ACPAgent
    private let logger: Logger
    private let ownUID = getuid()
    private let connections = Locked<[ObjectIdentifier: ConnectionLoop.Handle]>([:])
    /// How long requests under way may take to answer once shutdown has interrupted their turns.
    static let drainTimeout: Duration = .seconds(5)

    init(
        server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, agent: ACPAgent,
        logger: Logger
    ) {
        self.server = server
        self.agent = agent
        self.logger = logger
    }

    func run() async throws {
        let server = server
        let loop = ConnectionLoop(agent: agent, logger: logger)
        try await withGracefulShutdownHandler {
            try await server.executeThenClose { inbound in
                try await withThrowingDiscardingTaskGroup { group in
                    var serial = 0
                    for try await client in inbound {
                        serial += 1
                        let label = "connection \(serial)"
                        group.addTask { await self.serve(client, label: label, loop: loop) }
                    }
                    await self.drain()
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
    }

    private func serve(
        _ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>, label: String, loop: ConnectionLoop
    ) async {
        do {
            let peer = try await PeerCredentials.of(client.channel)
            guard peer.uid == ownUID else {
                logger.warning(
                    "refused a connection from \(peer): only uid \(ownUID), which runs this daemon, may connect"
                )
                try? await client.executeThenClose { _, _ in }
                return
            }
            logger.debug("\(label): accepted (\(peer))")
        } catch {
            logger.warning("refused a connection: \(error)")
            try? await client.executeThenClose { _, _ in }
            return
        }
        let key = ObjectIdentifier(client.channel)
        await loop.run(client, label: label) { handle in
            connections.withLock { $0[key] = handle }
        }
        _ = connections.withLock { $0.removeValue(forKey: key) }
        logger.debug("\(label): closed")
    }

    /// Ends every connection at shutdown: their turns are interrupted, their input is closed (so they
    /// read no more requests), and each closes once it has answered and flushed what is under way —
    /// or after `drainTimeout`, when a provider does not let go of a turn.
    private func drain() async {
        agent.beginShutdown()
        let open = connections.withLock { Array($0.values) }
        for handle in open {
            handle.connection.closed()
            handle.channel.close(mode: .input, promise: nil)
        }
        let deadline = ContinuousClock.now + Self.drainTimeout
        while ContinuousClock.now < deadline, !connections.withLock({ $0.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for handle in connections.withLock({ Array($0.values) }) {
            logger.warning("a connection did not finish its requests in time; closing it")
            handle.channel.close(promise: nil)
        }
    }
}
