import AgentwsJSON
import AgentwsSystem
import CAgentwsProvider

/// Collects every completion of one call, so a test can wait for the first and count them all.
final class CompletionBox: Sendable {
    private struct State {
        var replies: [Reply] = []
        var waiter: CheckedContinuation<Reply, Never>?
    }
    private let state = Locked(State())

    /// How many times the completion ran.
    var count: Int { state.withLock { $0.replies.count } }

    func record(_ reply: Reply) {
        let waiter = state.withLock { state in
            state.replies.append(reply)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: reply)
    }

    /// The first reply, once it has arrived.
    func firstReply() async -> Reply {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Reply? in
                if let first = state.replies.first { return first }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The C completion: `context` is an unretained `CompletionBox`.
    static let completion: agentws_completion_fn = { context, status, json, length in
        guard let context else { return }
        let box = Unmanaged<CompletionBox>.fromOpaque(context).takeUnretainedValue()
        let bytes = json.map { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
        }
        let value = (try? JSONParser.parse(bytes: bytes ?? [])) ?? .string("<unparsable reply>")
        box.record(Reply(status: status, json: value))
    }
}
