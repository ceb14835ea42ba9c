import AgentwsACP
import AgentwsJSON
import Logging
import NIOCore
import Synchronization

/// Serves one ACP client over a channel of lines (a socket connection, or stdio): hands each line to
/// an `ACPConnection`, several at a time, and writes what it sends in order.
///
/// - A line over the limit is answered with a JSON-RPC error, then the connection is closed.
/// - When the client's input ends, its running prompts are interrupted (nobody waits for them any
///   more) and the requests under way are answered, as far as the client still reads, before the
///   connection closes.
/// - A client that stops reading while messages pile up is disconnected rather than buffered for.
struct ConnectionLoop {
    /// Requests handled at once per connection; the next line waits for a free slot.
    static let maximumInFlight = 64
    /// Messages waiting to be written before the client counts as not reading.
    static let outboxLimit = 8192

    let agent: ACPAgent
    let logger: Logger

    /// What the server sees of a connection it may have to close from outside (shutdown).
    final class Handle: Sendable {
        let channel: any Channel
        let connection: ACPConnection
        let inFlight = Atomic<Int>(0)

        init(channel: any Channel, connection: ACPConnection) {
            self.channel = channel
            self.connection = connection
        }
    }

    /// Runs the connection until the client's input ends and every request is answered.
    /// `registered` receives the connection's handle before the first line is read.
    func run(
        _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, label: String,
        registered: @Sendable (Handle) -> Void = { _ in }
    ) async {
        let logger = logger
        do {
            try await channel.executeThenClose { inbound, outbound in
                let (outbox, mailer) = AsyncStream<ByteBuffer>.makeStream(
                    bufferingPolicy: .bufferingOldest(Self.outboxLimit))
                let underlying = channel.channel
                let connection = ACPConnection(agent: agent) { message in
                    if case .dropped = mailer.yield(JSONLines.encode(message)) {
                        logger.warning("\(label): the client does not read its messages; disconnecting it")
                        underlying.close(promise: nil)
                    }
                }
                let handle = Handle(channel: underlying, connection: connection)
                registered(handle)
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await message in outbox {
                            do {
                                try await outbound.write(message)
                            } catch {
                                // The client is gone; what is left to say goes nowhere.
                                break
                            }
                        }
                    }
                    await readLines(inbound, connection: connection, handle: handle, label: label)
                    mailer.finish()
                }
            }
        } catch {
            logger.debug("\(label): \(error)")
        }
    }

    private func readLines(
        _ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, connection: ACPConnection, handle: Handle,
        label: String
    ) async {
        await withTaskGroup(of: Void.self) { handlers in
            var running = 0
            do {
                for try await line in inbound {
                    if running >= Self.maximumInFlight {
                        await handlers.next()
                        running -= 1
                    }
                    running += 1
                    handle.inFlight.add(1, ordering: .relaxed)
                    // Taken in line order; answered concurrently.
                    let work = connection.receive(line: line.readableBytesView)
                    handlers.addTask {
                        await work()
                        handle.inFlight.subtract(1, ordering: .relaxed)
                    }
                }
            } catch let tooLong as LineTooLong {
                logger.warning("\(label): \(tooLong); closing the connection")
                connection.refuseOversizedLine(limit: tooLong.limit)
            } catch {
                logger.debug("\(label): reading failed: \(error)")
            }
            connection.closed()
            await handlers.waitForAll()
        }
    }
}
