import AgentwsSystem

/// Time limits that cost nothing until they pass: one thread per process sleeps in `poll` until the
/// earliest limit and runs the expiry of every limit that has passed. Setting and cancelling a limit
/// take a lock and nothing else; the thread is woken only when a new limit comes before the one it
/// sleeps until.
///
/// Why not a `Task.sleep` per limit, as `PendingRequests` and `Latch` had: every request to a
/// child sets a limit, almost none expires, and each such task cost a job on the concurrency pool, a
/// dispatch timer and two or three thread wake-ups — for a relayed plugin call, more than the relay
/// itself, and on a two-core machine a measurable part of a one-shot `agentws send`.
///
/// An expiry runs on that thread, so it must be quick and never block: complete a continuation,
/// fail a request.
///
/// One thread per copy of this module: agentws's own, and one in each plugin that links
/// AgentProcess statically, once it sets a limit. Plugins are never unloaded (`RTLD_NODELETE`), so
/// the thread never outlives its code.
package final class Deadlines: Sendable {
    /// The process's one instance.
    package static let shared = Deadlines()

    /// One limit, to cancel it.
    package struct Token: Hashable, Sendable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var lastID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        /// When the thread wakes next; nil while it sleeps without a limit.
        var wakesAt: ContinuousClock.Instant?
        /// The wake-up socket pair (read end, write end), once the thread runs.
        var wake: (read: Int32, write: Int32)?
        /// The thread could not be started: limits fall back to a task each.
        var threadless = false
    }

    private let state = Locked(State())

    private init() {}

    /// Runs `expire` once `limit` has passed, unless `cancel` comes first.
    package func schedule(after limit: Duration, _ expire: @escaping @Sendable () -> Void) -> Token {
        let deadline = ContinuousClock.now + limit
        enum Next { case nothing, wake(Int32), start, waitInATask }
        let (token, next) = state.withLock { state -> (Token, Next) in
            state.lastID += 1
            state.entries[state.lastID] = Entry(deadline: deadline, expire: expire)
            let token = Token(id: state.lastID)
            if state.threadless { return (token, .waitInATask) }
            guard let wake = state.wake else { return (token, .start) }
            let earlier = state.wakesAt.map { deadline < $0 } ?? true
            return (token, earlier ? .wake(wake.write) : .nothing)
        }
        switch next {
        case .nothing:
            break
        case .wake(let descriptor):
            var byte: UInt8 = 1
            // Non-blocking: when the socket is full, the thread has a wake-up pending anyway.
            _ = write(descriptor, &byte, 1)
        case .start:
            startIfNeeded()
        case .waitInATask:
            expireLater(token, deadline)
        }
        return token
    }

    /// Forgets the limit `token`; its expiry will not run (unless it is running already).
    package func cancel(_ token: Token) {
        state.withLock { _ = $0.entries.removeValue(forKey: token.id) }
    }

    // MARK: the thread

    /// Starts the thread on the first limit. Until it runs, `wake` is nil and every limit set asks
    /// again; only the first gets to start it.
    private func startIfNeeded() {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0
        else {
            fallBack()
            return
        }
        _ = fcntl(pair[1], F_SETFL, fcntl(pair[1], F_GETFL) | O_NONBLOCK)
        let won = state.withLock { state -> Bool in
            guard state.wake == nil, !state.threadless else { return false }
            state.wake = (pair[0], pair[1])
            return true
        }
        guard won else {
            close(pair[0])
            close(pair[1])
            return
        }
        let readEnd = pair[0]
        do {
            try DetachedThread.start { self.run(wake: readEnd) }
        } catch {
            // The pair stays open: a limit set meanwhile may still write its wake-up to it, and a
            // closed number could belong to another file by then.
            fallBack()
        }
    }

    /// Without the thread (the process cannot start one), every limit waits in a task of its own.
    private func fallBack() {
        let waiting = state.withLock { state in
            state.wake = nil
            state.threadless = true
            return state.entries.map { (Token(id: $0.key), $0.value.deadline) }
        }
        // A limit set meanwhile may get two tasks; its expiry still runs once (`expireLater`).
        for (token, deadline) in waiting { expireLater(token, deadline) }
    }

    private func expireLater(_ token: Token, _ deadline: ContinuousClock.Instant) {
        Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            state.withLock { $0.entries.removeValue(forKey: token.id) }?.expire()
        }
    }

    private func run(wake: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let now = ContinuousClock.now
            let (due, next) = state.withLock { state -> ([@Sendable () -> Void], ContinuousClock.Instant?) in
                var due: [@Sendable () -> Void] = []
                var next: ContinuousClock.Instant?
                for (id, entry) in state.entries {
                    if entry.deadline <= now {
                        due.append(entry.expire)
                        state.entries[id] = nil
                    } else if next.map({ entry.deadline < $0 }) ?? true {
                        next = entry.deadline
                    }
                }
                state.wakesAt = due.isEmpty ? next : now
                return (due, next)
            }
            if !due.isEmpty {
                for expire in due { expire() }
                continue
            }
            var descriptor = pollfd(fd: wake, events: Int16(POLLIN), revents: 0)
            let result = poll(&descriptor, 1, Self.milliseconds(until: next, from: now))
            if result > 0 {
                _ = buffer.withUnsafeMutableBytes { read(wake, $0.baseAddress, $0.count) }
            }
        }
    }

    /// The `poll` timeout until `deadline` (`Duration.pollTimeout`); -1 (no limit) without one. At
    /// most what an Int32 holds: the loop goes on.
    private static func milliseconds(
        until deadline: ContinuousClock.Instant?, from now: ContinuousClock.Instant
    )
        -> Int32
    {
        guard let deadline else { return -1 }
        return (deadline - now).pollTimeout
    }
}
