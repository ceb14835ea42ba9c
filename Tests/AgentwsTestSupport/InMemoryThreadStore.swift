import AgentwsCore
import AgentwsSystem

/// A `ThreadStore` in memory: for the tests of the session logic. Leases exclude each
/// other within the process, like the file store's locks do across processes.
package final class InMemoryThreadStore: ThreadStore {
    private struct State {
        var bindings: [ThreadID: Binding] = [:]
        var runtime: [ThreadID: RuntimeRecord] = [:]
        var leased: [ThreadID: Int32] = [:]
        var writes = 0
        var scratch: [String] = []
        var scratchMade = 0
    }

    private let state = Locked(State())
    package let processID: Int32

    package init(processID: Int32 = 1) { self.processID = processID }

    /// How many binding writes changed something (identical writes are not counted).
    package var writeCount: Int { state.withLock { $0.writes } }

    final class Lease: ThreadLease {
        let thread: ThreadID
        private let store: InMemoryThreadStore
        private let held = Locked(true)

        init(thread: ThreadID, store: InMemoryThreadStore) {
            self.thread = thread
            self.store = store
        }

        var isHeld: Bool { held.withLock { $0 } }

        func release() {
            let wasHeld = held.withLock { value in
                defer { value = false }
                return value
            }
            if wasHeld { _ = store.state.withLock { $0.leased.removeValue(forKey: thread) } }
        }
    }

    private func check(_ lease: any ThreadLease, _ thread: ThreadID) throws(AgentwsError) {
        guard let lease = lease as? Lease, lease.thread == thread, lease.isHeld else {
            throw AgentwsError(.failure, "internal error: writing thread \(thread) without holding its lease")
        }
    }

    package func readBinding(_ thread: ThreadID) throws -> Binding? { state.withLock { $0.bindings[thread] } }

    package func writeBinding(_ binding: Binding, lease: any ThreadLease) throws -> Bool {
        try check(lease, binding.threadID)
        return state.withLock { state in
            // Like the file store: a binding that means what is stored is not written again.
            if let stored = state.bindings[binding.threadID], stored.means(binding) { return false }
            state.bindings[binding.threadID] = binding
            state.writes += 1
            return true
        }
    }

    package func rewriteBinding(_ binding: Binding, lease: any ThreadLease) throws -> Bool {
        try check(lease, binding.threadID)
        var current = binding
        current.schemaVersion = Binding.currentSchemaVersion
        current.legacy = nil
        return state.withLock { state in
            if state.bindings[binding.threadID] == current { return false }
            state.bindings[binding.threadID] = current
            state.writes += 1
            return true
        }
    }

    package func deleteBinding(_ thread: ThreadID, lease: any ThreadLease) throws -> Bool {
        try check(lease, thread)
        return state.withLock { $0.bindings.removeValue(forKey: thread) != nil }
    }

    package func listBindings() throws -> [BindingListing] {
        state.withLock { $0.bindings.values.sorted { $0.threadID < $1.threadID }.map(BindingListing.binding) }
    }

    package func tryLease(_ thread: ThreadID) throws -> (any ThreadLease)? {
        let granted = state.withLock { state in
            if state.leased[thread] != nil { return false }
            state.leased[thread] = processID
            return true
        }
        return granted ? Lease(thread: thread, store: self) : nil
    }

    package func leaseState(_ thread: ThreadID) -> LeaseState {
        state.withLock { $0.leased[thread].map { .held(pid: $0) } ?? .free }
    }

    package func readRuntime(_ thread: ThreadID) -> RuntimeRecord? { state.withLock { $0.runtime[thread] } }

    package func writeRuntime(_ record: RuntimeRecord, for thread: ThreadID) throws {
        state.withLock { $0.runtime[thread] = record }
    }

    package func deleteRuntime(_ thread: ThreadID) throws {
        _ = state.withLock { $0.runtime.removeValue(forKey: thread) }
    }

    package func threadsRecordedLive() -> [ThreadID] {
        state.withLock { $0.runtime.filter { $0.value.ownerPID != nil }.keys.sorted() }
    }

    /// A name only: in memory nothing is written there unless a test's provider does so itself.
    package func makeScratchFile(_ purpose: String) throws -> String {
        state.withLock { state in
            state.scratchMade += 1
            let path = "/memory/state/scratch/\(purpose)-\(state.scratchMade)"
            state.scratch.append(path)
            return path
        }
    }

    package func removeScratchFile(_ path: String) {
        state.withLock { state in state.scratch.removeAll { $0 == path } }
    }

    /// The scratch paths made and not removed yet.
    package var scratchFilesLeft: [String] { state.withLock { $0.scratch } }

    /// Puts a binding in place as if a file had appeared (another machine, a `git pull`).
    package func seed(_ binding: Binding) { state.withLock { $0.bindings[binding.threadID] = binding } }

    /// Marks a thread as leased by another, dead or alive, process (for tests).
    package func simulateForeignLease(_ thread: ThreadID, pid: Int32) {
        state.withLock { $0.leased[thread] = pid }
    }
}
