import AgentProcess
import AgentwsJSON
import AgentwsSystem

/// The answer to one request written ahead (`PluginHost.send`): given once by the peer's completion,
/// on its reader thread, and waited for before or after it came.
///
/// Why not an `AsyncStream` of one element, as it was: a stream is a buffer, a consumer and its
/// termination, for one value that needs a lock and a continuation; the slot made an isolated
/// one-shot `send` a little cheaper in CPU (docs/performance.md, ninth session of 2026-12-07), and a
/// second waiter gets the answer too instead of trapping.
final class ReplySlot: Sendable {
    typealias Reply = Result<JSONValue, JSONRPCFailure>

    private enum State {
        case waiting([CheckedContinuation<Reply, Never>])
        case given(Reply)
    }

    private let state = Locked(State.waiting([]))

    init() {}

    /// Hands over the answer and wakes whoever waits for it. Only the first answer counts.
    func give(_ reply: Reply) {
        let waiters = state.withLock { state -> [CheckedContinuation<Reply, Never>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .given(reply)
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: reply) }
    }

    /// The answer, once given.
    func reply() async -> Reply {
        await withCheckedContinuation { continuation in
            let given = state.withLock { state -> Reply? in
                switch state {
                case .given(let reply):
                    return reply
                case .waiting(let waiters):
                    state = .waiting(waiters + [continuation])
                    return nil
                }
            }
            if let given { continuation.resume(returning: given) }
        }
    }
}
