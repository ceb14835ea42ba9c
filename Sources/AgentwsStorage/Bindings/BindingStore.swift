import AgentwsCore
import AgentwsSystem

/// The binding files of a workspace (SPEC §3.3): canonical bytes, atomic durable writes that skip
/// identical content, per-thread advisory locks, lock-free reads.
///
/// Nothing here scans the directory on a write, so the cost of a write does not grow with the
/// number of threads; only `list` and the stray-temporary cleanup in `open` read the directory.
package final class BindingStore: Sendable {
    package let workspace: Workspace

    private init(workspace: Workspace) { self.workspace = workspace }

    /// Opens the store, creating missing directories and removing temporary files left by writers
    /// that died mid-write (a temporary whose thread lock is free belongs to nobody).
    package static func open(_ workspace: Workspace) throws(SystemError) -> BindingStore {
        try FileIO.makeDirectories(workspace.bindingsDirectory)
        try FileIO.makeDirectories(workspace.locksDirectory)
        let store = BindingStore(workspace: workspace)
        try store.removeStrayTemporaries()
        return store
    }

    private func removeStrayTemporaries() throws(SystemError) {
        // Temporaries are hidden files; only those become strings, so the scan stays cheap in a
        // directory of many bindings.
        guard let directory = try OpenDirectory(workspace.bindingsDirectory) else { return }
        for name in directory.hiddenNames() {
            guard let target = AtomicFile.targetName(ofTemporary: name) else { continue }
            let stem = target.hasSuffix(".json") ? String(target.dropLast(5)) : target
            let path = workspace.bindingsDirectory + "/" + name
            guard let thread = try? ThreadID(stem) else {
                try FileIO.removeIfPresent(path)
                continue
            }
            // A live writer holds the thread's lock while its temporary exists; leave those alone.
            if let lock = try tryLock(thread) {
                try FileIO.removeIfPresent(path)
                lock.release()
            }
        }
    }

    // MARK: Reading

    /// The binding of `thread`, or nil when the thread is unbound. Needs no lock: files are only
    /// ever replaced whole.
    package func read(_ thread: ThreadID) throws(BindingReadFailure) -> Binding? {
        let path = workspace.bindingPath(thread)
        let bytes: [UInt8]?
        do {
            bytes = try FileIO.readIfPresent(path)
        } catch {
            throw .fileSystem(error)
        }
        guard let bytes else { return nil }
        do {
            return try BindingCodec.decode(bytes, expectedThread: thread)
        } catch {
            throw .badFile(BindingFileError(path: path, problem: error))
        }
    }

    // Listing: BindingStore+Listing.swift.

    // MARK: Writing

    /// Writes `binding` if its meaning differs from the file's (SPEC §3.3): identical bytes, or a
    /// file of an older schema that means the same (a schema-1 file is rewritten only when its
    /// meaning changes), are left untouched. With `rewritingOlderSchema` (`agentws migrate`), a file
    /// of an older schema is rewritten in the current one even when it means the same. The caller
    /// must hold the thread's lock. Refuses to replace a file written by a newer schema.
    @discardableResult
    package func write(_ binding: Binding, holding lock: ThreadLock, rewritingOlderSchema: Bool = false)
        throws
        -> BindingWriteOutcome
    {
        let (path, bytes) = try target(of: binding, holding: lock)
        if let current = try FileIO.readIfPresent(path) {
            if current == bytes { return .unchanged }
            if let existing = try? BindingCodec.decode(current, expectedThread: binding.threadID) {
                if existing.schemaVersion > Binding.currentSchemaVersion {
                    throw NewerBindingSchema(path: path, version: existing.schemaVersion)
                }
                if existing.means(binding), !rewritingOlderSchema { return .unchanged }
            }
        }
        // Compared just above: replacing without AtomicFile.write's own comparison reads the file
        // once per write, not twice.
        let fileName = binding.threadID.rawValue + ".json"
        do {
            try AtomicFile.replace(bytes, directory: workspace.bindingsDirectory, fileName: fileName)
        } catch let error where error.code == ENOENT {
            // git removes a directory it empties (a checkout of a commit without bindings); the
            // next binding brings it back.
            try FileIO.makeDirectories(workspace.bindingsDirectory)
            try AtomicFile.replace(bytes, directory: workspace.bindingsDirectory, fileName: fileName)
        }
        return .written
    }

    /// Deletes the binding of `thread`; returns whether there was one. The caller must hold the lock.
    @discardableResult
    package func delete(_ thread: ThreadID, holding lock: ThreadLock) throws -> Bool {
        try checkLock(lock, for: thread)
        let path = workspace.bindingPath(thread)
        if let current = try FileIO.readIfPresent(path) {
            try refuseIfNewer(current, path: path, thread: thread)
        }
        return try AtomicFile.remove(
            directory: workspace.bindingsDirectory, fileName: thread.rawValue + ".json")
    }

    private func refuseIfNewer(_ bytes: [UInt8], path: String, thread: ThreadID) throws(NewerBindingSchema) {
        if let existing = try? BindingCodec.decode(bytes, expectedThread: thread),
            existing.schemaVersion > Binding.currentSchemaVersion
        {
            throw NewerBindingSchema(path: path, version: existing.schemaVersion)
        }
    }

    /// The checked lock's binding path and `binding`'s canonical bytes. When this store wrote under
    /// `lock` before, the lock's path was checked then and the binding path built then (the lock's
    /// thread and path never change), and an equal binding reuses the bytes; otherwise the lock is
    /// checked, the path built, the binding encoded, and all of it remembered on the lock. The
    /// file is still read and compared by every write.
    private func target(of binding: Binding, holding lock: ThreadLock) throws -> (
        path: String, bytes: [UInt8]
    ) {
        let thread = binding.threadID
        guard lock.thread == thread else { throw Self.notHolding(thread) }
        let path: String
        // Nil once the lock is released: checkLock below then refuses the write.
        if let remembered = lock.rememberedWrite, remembered.store === self {
            if remembered.binding == binding { return (remembered.bindingPath, remembered.bytes) }
            path = remembered.bindingPath
        } else {
            try checkLock(lock, for: thread)
            path = workspace.bindingPath(thread)
        }
        if binding.schemaVersion > Binding.currentSchemaVersion {
            throw NewerBindingSchema(path: path, version: binding.schemaVersion)
        }
        let bytes = try BindingCodec.encode(binding)
        lock.remember(RememberedWrite(store: self, bindingPath: path, binding: binding, bytes: bytes))
        return (path, bytes)
    }

    private func checkLock(_ lock: ThreadLock, for thread: ThreadID) throws(AgentwsError) {
        guard lock.thread == thread, lock.isHeld, lock.path == lockPath(thread) else {
            throw Self.notHolding(thread)
        }
    }

    private static func notHolding(_ thread: ThreadID) -> AgentwsError {
        AgentwsError(.failure, "internal error: writing thread \(thread) without holding its lock")
    }

    // MARK: Locks

    func lockPath(_ thread: ThreadID) -> String { workspace.locksDirectory + "/" + thread.rawValue + ".lock" }

    /// Takes `thread`'s lock if it is free; nil when another holder has it.
    package func tryLock(_ thread: ThreadID) throws(SystemError) -> ThreadLock? {
        try ThreadLock.tryAcquire(thread: thread, path: lockPath(thread))
    }

    /// Takes `thread`'s lock, failing fast with `ThreadBusyError` (naming the holder's pid) when taken.
    package func lock(_ thread: ThreadID) throws -> ThreadLock {
        if let lock = try tryLock(thread) { return lock }
        throw ThreadBusyError(thread: thread, ownerPID: owner(of: thread))
    }

    /// The pid the current holder of `thread`'s lock recorded, if the lock is held.
    package func owner(of thread: ThreadID) -> Int32? {
        ThreadLock.recordedOwner(path: lockPath(thread))
    }
}

/// What a write did.
package enum BindingWriteOutcome: Sendable, Equatable {
    /// The file already held the same bytes; it was not touched.
    case unchanged
    case written
}

/// Why a binding could not be read.
package enum BindingReadFailure: AgentwsFailure {
    case badFile(BindingFileError)
    case fileSystem(SystemError)

    package var category: ErrorCategory {
        switch self {
        case .badFile(let error): return error.category
        case .fileSystem(let error): return error.category
        }
    }

    package var description: String {
        switch self {
        case .badFile(let error): return error.description
        case .fileSystem(let error): return error.description
        }
    }
}
