import AgentwsSystem

/// A gate that opens once; tasks wait for it, each with its own time limit.
package final class Latch: Sendable {
    private struct Waiter {
        let continuation: CheckedContinuation<Bool, Never>
        var limit: Deadlines.Token?
    }

    private struct State {
        var isOpen = false
        var nextWaiter = 0
        var waiters: [Int: Waiter] = [:]
    }
    private let state = Locked(State())

    package init() {}

    /// Whether the latch has opened.
    package var isOpen: Bool { state.withLock { $0.isOpen } }

    /// Opens the latch and wakes every waiter.
    package func open() {
        let waiters = state.withLock { state -> [Waiter] in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.limit.map(Deadlines.shared.cancel)
            waiter.continuation.resume(returning: true)
        }
    }

    /// Waits until the latch opens (true) or `limit` passes (false).
    package func wait(atMost limit: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            let key = state.withLock { state -> Int? in
                guard !state.isOpen else { return nil }
                state.nextWaiter += 1
                state.waiters[state.nextWaiter] = Waiter(continuation: continuation, limit: nil)
                return state.nextWaiter
            }
            guard let key else {
                continuation.resume(returning: true)
                return
            }
            let token = Deadlines.shared.schedule(after: limit) { [weak self] in self?.expire(key) }
            // The waiter may be gone already (opened or expired); then the limit has nothing to do.
            let kept = state.withLock { state -> Bool in
                guard state.waiters[key] != nil else { return false }
                state.waiters[key]?.limit = token
                return true
            }
            if !kept { Deadlines.shared.cancel(token) }
        }
    }

    private func expire(_ key: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: key) }
        waiter?.continuation.resume(returning: false)
    }
}
