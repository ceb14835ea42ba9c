import AgentwsACP
import AgentwsJSON
import AgentwsSystem
import NIOCore

/// The CLI's connection to the daemon: JSON-RPC requests with their `_agentws/event` notifications,
/// and notifications of its own (`session/cancel`). Several requests may be under way at once.
package final class DaemonConnection: Sendable {
    enum Delivery: Sendable {
        case event(JSONValue)
        case result(JSONValue)
        case error(JSONRPCError)
        case closed
    }

    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let state = Locked<
        (next: Int64, waiting: [Int64: AsyncStream<Delivery>.Continuation], closed: Bool)
    >(
        (0, [:], false))

    init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) { self.outbound = outbound }

    /// Sends a request and waits for its answer, handing its `_agentws/event` notifications to
    /// `events` in order. A JSON-RPC error is thrown as `JSONRPCError`, which carries the CLI's
    /// message and exit code.
    package func call(
        _ method: String, _ params: JSONValue, events: @Sendable (JSONValue) -> Void = { _ in }
    ) async throws -> JSONValue {
        let (deliveries, continuation) = AsyncStream<Delivery>.makeStream()
        let id = state.withLock { state -> Int64? in
            guard !state.closed else { return nil }
            state.next += 1
            state.waiting[state.next] = continuation
            return state.next
        }
        guard let id else { throw Self.disconnected }
        try await outbound.write(JSONLines.encode(OutgoingMessage.request(id: .integer(id), method, params)))
        for await delivery in deliveries {
            switch delivery {
            case .event(let event): events(event)
            case .result(let result): return result
            case .error(let error): throw error
            case .closed: throw Self.disconnected
            }
        }
        throw Self.disconnected
    }

    /// Sends a notification.
    package func notify(_ method: String, _ params: JSONValue) async throws {
        try await outbound.write(JSONLines.encode(OutgoingMessage.notification(method, params)))
    }

    /// Dispatches one line from the daemon.
    func receive(_ line: ByteBuffer) {
        guard let message = try? JSONParser.parse(bytes: line.readableBytesView) else { return }
        if message["method"]?.stringValue == ACPMethod.event,
            let id = message["params"]?["requestId"]?.integerValue, let event = message["params"]?["event"]
        {
            _ = state.withLock { $0.waiting[id] }?.yield(.event(event))
            return
        }
        guard let id = message["id"]?.integerValue else { return }
        guard let waiter = state.withLock({ $0.waiting.removeValue(forKey: id) }) else { return }
        if let error = message["error"] {
            waiter.yield(.error(JSONRPCError(json: error) ?? Self.disconnected))
        } else {
            waiter.yield(.result(message["result"] ?? .null))
        }
        waiter.finish()
    }

    /// The daemon closed the connection: whoever waits learns it.
    func closed() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for waiter in waiting {
            waiter.yield(.closed)
            waiter.finish()
        }
    }

    static let disconnected = JSONRPCError(
        code: JSONRPCError.Code.internalError,
        message:
            "the agentws daemon closed the connection before answering (it may be shutting down); run the command again",
        data: ["exitCode": 1])
}
