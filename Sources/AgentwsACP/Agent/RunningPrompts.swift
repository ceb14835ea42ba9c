import AgentwsCore
import AgentwsSystem

/// The prompts (`session/prompt`, `_agentws/send`) a connection has under way, so that
/// `session/cancel` and a disconnect can interrupt them. A cancel that arrives before the turn has
/// started is remembered and carried out the moment the session is ready: the turn is never lost
/// to a race with its own start.
final class RunningPrompts: Sendable {
    private struct Prompt {
        var thread: ThreadID
        var ready = false
        var cancelRequested = false
    }

    private let state = Locked<(next: Int, prompts: [Int: Prompt])>((0, [:]))

    func begin(_ thread: ThreadID) -> Int {
        state.withLock { state in
            state.next += 1
            state.prompts[state.next] = Prompt(thread: thread)
            return state.next
        }
    }

    /// The prompt's turn is about to start; true when a cancel is waiting for it.
    func ready(_ token: Int) -> Bool {
        state.withLock { state in
            state.prompts[token]?.ready = true
            return state.prompts[token]?.cancelRequested ?? false
        }
    }

    /// Marks the thread's prompts cancelled. `underWay`: those whose turns are under way, which the
    /// caller interrupts now (the others are interrupted when they become ready, or never start);
    /// `found`: whether the connection has a prompt on the thread at all.
    func cancel(_ thread: ThreadID) -> (underWay: [Int], found: Bool) {
        state.withLock { state in
            var underWay: [Int] = []
            var found = false
            for token in state.prompts.keys where state.prompts[token]?.thread == thread {
                found = true
                state.prompts[token]?.cancelRequested = true
                if state.prompts[token]?.ready == true { underWay.append(token) }
            }
            return (underWay, found)
        }
    }

    /// Cancels every prompt (the client went away); returns those whose turns are under way.
    func cancelAll() -> [(token: Int, thread: ThreadID)] {
        state.withLock { state in
            var underWay: [(token: Int, thread: ThreadID)] = []
            for token in state.prompts.keys {
                state.prompts[token]?.cancelRequested = true
                if let prompt = state.prompts[token], prompt.ready { underWay.append((token, prompt.thread)) }
            }
            return underWay
        }
    }

    /// Whether the prompt is still running.
    func isRunning(_ token: Int) -> Bool { state.withLock { $0.prompts[token] != nil } }

    /// Whether the prompt has been cancelled (before its turn started, it then never starts).
    func isCancelled(_ token: Int) -> Bool { state.withLock { $0.prompts[token]?.cancelRequested ?? false } }

    /// Forgets the prompt; true when it was cancelled.
    func end(_ token: Int) -> Bool {
        state.withLock { $0.prompts.removeValue(forKey: token)?.cancelRequested ?? false }
    }
}
