import AgentwsCore
import AgentwsSystem

/// An exclusive advisory lock on one thread (`state/locks/<thread>.lock`), held through an open file
/// description with `flock`. The kernel drops it when the holder exits or dies, so there is never a
/// stale lock to delete by hand; two opens in one process also exclude each other.
///
/// The holder writes its pid into the file so that a refused process can say who is in the way.
package final class ThreadLock: Sendable {
    package let thread: ThreadID
    package let path: String
    /// The descriptor (-1 once released) and, while held, what the last write under this lock
    /// established (see `RememberedWrite`): a holder that writes the same binding again (every turn
    /// of a live session does) neither checks the lock's path nor builds the binding's path nor
    /// encodes the binding again. One mutex guards both, so a write checks both in one step.
    private let state: Locked<(descriptor: Int32, remembered: RememberedWrite?)>

    init(thread: ThreadID, path: String, descriptor: Int32) {
        self.thread = thread
        self.path = path
        self.state = Locked((descriptor, nil))
    }

    deinit { release() }

    /// Whether the lock is still held by this object.
    package var isHeld: Bool { state.withLock { $0.descriptor >= 0 } }

    /// What the last write under this lock remembered; nil once the lock is released.
    var rememberedWrite: RememberedWrite? { state.withLock { $0.descriptor >= 0 ? $0.remembered : nil } }

    /// Remembers `write` for the next write under this lock, if the lock is still held.
    func remember(_ write: RememberedWrite) {
        state.withLock { if $0.descriptor >= 0 { $0.remembered = write } }
    }

    /// Releases the lock and forgets the remembered write. Idempotent.
    package func release() {
        state.withLock { state in
            state.remembered = nil
            guard state.descriptor >= 0 else { return }
            FlockFile.release(state.descriptor)
            state.descriptor = -1
        }
    }

    /// Tries to take the lock at `path` without waiting. Returns nil when another holder has it.
    static func tryAcquire(thread: ThreadID, path: String) throws(SystemError) -> ThreadLock? {
        guard let fd = try FlockFile.tryAcquire(path: path) else { return nil }
        return ThreadLock(thread: thread, path: path, descriptor: fd)
    }

    /// The pid recorded by the current holder of the lock at `path`, if any.
    static func recordedOwner(path: String) -> Int32? { FlockFile.recordedOwner(path: path) }
}

/// What `BindingStore.write` remembers on a thread's lock between writes: the same strings and bytes
/// would otherwise be built again on every write of an unchanged binding. Only the store that
/// remembered it uses it (`store` is held, so no other store can ever have its identity); the file
/// itself is still read and compared on every write. A class, so that taking it from the lock is
/// one reference, not a copy of every field.
final class RememberedWrite: Sendable {
    /// The store that checked this lock's path against its own lock path for the thread.
    let store: BindingStore
    /// That store's path of the thread's binding file.
    let bindingPath: String
    /// The last binding written or found unchanged, and its canonical bytes.
    let binding: Binding
    let bytes: [UInt8]

    init(store: BindingStore, bindingPath: String, binding: Binding, bytes: [UInt8]) {
        self.store = store
        self.bindingPath = bindingPath
        self.binding = binding
        self.bytes = bytes
    }
}
