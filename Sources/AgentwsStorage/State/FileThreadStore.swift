import AgentwsCore
import AgentwsSystem

extension ThreadLock: ThreadLease {}

/// The session service's store on disk: bindings in `bindings/`, leases as `flock` locks in
/// `state/locks/`, runtime records in `state/threads/`.
package final class FileThreadStore: ThreadStore {
    package let bindings: BindingStore
    private let runtime: RuntimeStateStore
    package let processID: Int32
    /// `state/scratch/`: transient files of one operation (a fork's transcript), removed after it.
    private let scratchDirectory: String
    private let scratchMade = Locked(0)

    package init(workspace: Workspace) throws {
        scratchDirectory = workspace.stateDirectory + "/scratch"
        bindings = try BindingStore.open(workspace)
        try FileIO.makeDirectories(workspace.threadStateDirectory)
        try FileIO.makeDirectories(workspace.threadOwnersDirectory)
        runtime = RuntimeStateStore(
            directory: workspace.threadStateDirectory, ownersDirectory: workspace.threadOwnersDirectory)
        processID = getpid()
    }

    private func lock(_ lease: any ThreadLease) throws(AgentwsError) -> ThreadLock {
        guard let lock = lease as? ThreadLock else {
            throw AgentwsError(
                .failure, "internal error: a lease for thread \(lease.thread) that is not a file lock")
        }
        return lock
    }

    package func readBinding(_ thread: ThreadID) throws -> Binding? { try bindings.read(thread) }

    package func writeBinding(_ binding: Binding, lease: any ThreadLease) throws -> Bool {
        try bindings.write(binding, holding: lock(lease)) == .written
    }

    package func rewriteBinding(_ binding: Binding, lease: any ThreadLease) throws -> Bool {
        try bindings.write(binding, holding: lock(lease), rewritingOlderSchema: true) == .written
    }

    package func deleteBinding(_ thread: ThreadID, lease: any ThreadLease) throws -> Bool {
        try bindings.delete(thread, holding: lock(lease))
    }

    package func listBindings() throws -> [BindingListing] { try bindings.list() }

    package func tryLease(_ thread: ThreadID) throws -> (any ThreadLease)? { try bindings.tryLock(thread) }

    package func leaseState(_ thread: ThreadID) -> LeaseState {
        // The pid in a lock file may belong to a holder that was killed (it cannot clean up), so the
        // lock itself is the only truth: probe it.
        guard let probe = try? bindings.tryLock(thread) else { return .held(pid: bindings.owner(of: thread)) }
        probe.release()
        return .free
    }

    package func readRuntime(_ thread: ThreadID) -> RuntimeRecord? { runtime.read(thread) }

    package func writeRuntime(_ record: RuntimeRecord, for thread: ThreadID) throws {
        try runtime.write(record, for: thread)
    }

    package func deleteRuntime(_ thread: ThreadID) throws { try runtime.delete(thread) }

    /// Reads runtime records without opening the whole store (for `doctor`).
    package static func runtimeReader(_ workspace: Workspace) -> @Sendable (ThreadID) -> RuntimeRecord? {
        let store = RuntimeStateStore(
            directory: workspace.threadStateDirectory, ownersDirectory: workspace.threadOwnersDirectory)
        return { store.read($0) }
    }

    package func threadsRecordedLive() -> [ThreadID] { runtime.threadsWithOwnerMarker() }

    /// `state/scratch/<purpose>-<pid>-<n>-<random>`: unique across processes and calls.
    package func makeScratchFile(_ purpose: String) throws -> String {
        try FileIO.makeDirectories(scratchDirectory, mode: 0o700)
        let number = scratchMade.withLock { made in
            made += 1
            return made
        }
        let path =
            scratchDirectory + "/\(purpose)-\(processID)-\(number)-\(UInt32.random(in: 0...UInt32.max))"
        try FileIO.removeIfPresent(path)
        return path
    }

    package func removeScratchFile(_ path: String) {
        guard path.hasPrefix(scratchDirectory + "/") else { return }
        try? FileIO.removeIfPresent(path)
    }
}
