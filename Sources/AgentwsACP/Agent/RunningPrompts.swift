import AgentwsCore
import Synchronization

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

    private let state = Mutex<(next: Int, prompts: [Int: Prompt])>((0, [:]))

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

    /// Marks the thread's prompts cancelled. `underWay`: one of them has its turn under way, which
    /// the caller interrupts now (the others are interrupted when they become ready); `found`: the
    /// connection has a prompt on the thread at all.
    func cancel(_ thread: ThreadID) -> (underWay: Bool, found: Bool) {
        state.withLock { state in
            var underWay = false
            var found = false
            for token in state.prompts.keys where state.prompts[token]?.thread == thread {
                found = true
                state.prompts[token]?.cancelRequested = true
                underWay = underWay || state.prompts[token]?.ready == true
            }
            return (underWay, found)
        }
    }

    /// Cancels every prompt (the client went away); returns the threads whose turns are under way.
    func cancelAll() -> Set<ThreadID> {
        state.withLock { state in
            var underWay: Set<ThreadID> = []
            for token in state.prompts.keys {
                state.prompts[token]?.cancelRequested = true
                if let prompt = state.prompts[token], prompt.ready { underWay.insert(prompt.thread) }
            }
            return underWay
        }
    }

    /// Forgets the prompt; true when it was cancelled.
    func end(_ token: Int) -> Bool {
        state.withLock { $0.prompts.removeValue(forKey: token)?.cancelRequested ?? false }
    }
}
