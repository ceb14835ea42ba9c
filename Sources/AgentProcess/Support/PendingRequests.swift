import AgentwsSystem

/// Requests sent to a child and not answered yet, each with a time limit: the bookkeeping of any
/// request/answer protocol over a line connection. Every registered request completes exactly once:
/// with its answer, when its time is up, or when the peer ends.
package final class PendingRequests<Key: Hashable & Sendable, Success: Sendable, Failure: Error & Sendable>:
    Sendable
{
    private struct Entry {
        /// What was asked, for messages: a method name, a subtype.
        let what: String
        let complete: @Sendable (Result<Success, Failure>) -> Void
        var limit: Deadlines.Token?
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var closed: (@Sendable (String) -> Failure)?
    }

    private let state = Locked(State())

    package init() {}

    /// Registers request `key`; `complete` runs exactly once. When the requests are closed already,
    /// it runs at once with the closing failure and this returns false: do not send the request.
    package func register(
        _ key: Key, what: String, timeout: Duration, timedOut: @escaping @Sendable () -> Failure,
        complete: @escaping @Sendable (Result<Success, Failure>) -> Void
    ) -> Bool {
        let closed = state.withLock { state -> (@Sendable (String) -> Failure)? in
            if let closed = state.closed { return closed }
            state.entries[key] = Entry(what: what, complete: complete, limit: nil)
            return nil
        }
        if let closed {
            complete(.failure(closed(what)))
            return false
        }
        let limit = Deadlines.shared.schedule(after: timeout) { [weak self] in
            self?.finish(key, .failure(timedOut()))
        }
        // The request may be answered already; then the limit has nothing to do.
        let kept = state.withLock { state -> Bool in
            guard state.entries[key] != nil else { return false }
            state.entries[key]?.limit = limit
            return true
        }
        if !kept { Deadlines.shared.cancel(limit) }
        return true
    }

    /// What request `key` asked, while it waits.
    package func what(_ key: Key) -> String? {
        state.withLock { $0.entries[key]?.what }
    }

    /// Completes request `key`; false when no such request waits (never sent, or done already).
    @discardableResult
    package func finish(_ key: Key, _ result: Result<Success, Failure>) -> Bool {
        guard let entry = state.withLock({ $0.entries.removeValue(forKey: key) }) else { return false }
        entry.limit.map(Deadlines.shared.cancel)
        entry.complete(result)
        return true
    }

    /// Fails every waiting request with `failure(what)` and refuses new ones the same way.
    package func close(_ failure: @escaping @Sendable (_ what: String) -> Failure) {
        let entries = state.withLock { state -> [Entry] in
            state.closed = failure
            defer { state.entries = [:] }
            return Array(state.entries.values)
        }
        for entry in entries {
            entry.limit.map(Deadlines.shared.cancel)
            entry.complete(.failure(failure(entry.what)))
        }
    }
}
