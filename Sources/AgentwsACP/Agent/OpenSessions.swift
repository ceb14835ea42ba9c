import AgentwsCore
import AgentwsSystem

/// The ACP sessions this agent knows, across all its connections, with what their next prompt
/// needs: a thread opened with `session/new` binds on its first prompt (that is when the session
/// service binds), so its provider, model and cwd wait here until then; a model chosen with
/// `session/set_config_option` waits here for the next prompt.
final class OpenSessions: Sendable {
    struct Entry: Sendable, Equatable {
        /// Working directory (workspace-relative) for a thread that is not bound yet.
        var cwd: String?
        /// The provider and model the next prompt asks for; nil: the binding's.
        var choice: ModelPolicy.Choice?
    }

    private let entries = Locked<[ThreadID: Entry]>([:])

    /// Opens a new session; false when the thread is already open.
    func open(_ thread: ThreadID, _ entry: Entry) -> Bool {
        entries.withLock { entries in
            guard entries[thread] == nil else { return false }
            entries[thread] = entry
            return true
        }
    }

    /// Records a session that exists (a bound thread resumed or prompted).
    func remember(_ thread: ThreadID) {
        entries.withLock { entries in
            if entries[thread] == nil { entries[thread] = Entry() }
        }
    }

    func entry(_ thread: ThreadID) -> Entry? { entries.withLock { $0[thread] } }

    func setChoice(_ thread: ThreadID, _ choice: ModelPolicy.Choice) {
        entries.withLock { $0[thread, default: Entry()].choice = choice }
    }

    /// After a prompt: the binding now records what the entry was waiting for.
    func settle(_ thread: ThreadID, requested: Entry?) {
        entries.withLock { entries in
            guard var entry = entries[thread] else { return }
            // A choice made while the prompt ran is for the next one.
            if entry.choice == requested?.choice { entry.choice = nil }
            entry.cwd = nil
            entries[thread] = entry
        }
    }

    func remove(_ thread: ThreadID) { _ = entries.withLock { $0.removeValue(forKey: thread) } }

    /// Sessions opened with `session/new` that have no binding yet, as far as this table knows.
    var unbound: [ThreadID: Entry] { entries.withLock { $0.filter { $0.value.cwd != nil } } }
}
