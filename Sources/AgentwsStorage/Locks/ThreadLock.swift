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
    private let descriptor: Locked<Int32>
    /// What the last write under this lock established (see `RememberedWrite`): a holder that writes
    /// the same binding again (every turn of a live session does) neither checks the lock's path nor
    /// builds the binding's path nor encodes the binding again.
    let remembered = Locked<RememberedWrite?>(nil)

    init(thread: ThreadID, path: String, descriptor: Int32) {
        self.thread = thread
        self.path = path
        self.descriptor = Locked(descriptor)
    }

    deinit { release() }

    /// Whether the lock is still held by this object.
    package var isHeld: Bool { descriptor.withLock { $0 >= 0 } }

    /// Releases the lock. Idempotent.
    package func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            FlockFile.release(fd)
            fd = -1
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
/// itself is still read and compared on every write.
struct RememberedWrite: Sendable {
    /// The store that checked this lock's path against its own lock path for the thread.
    let store: BindingStore
    /// That store's path of the thread's binding file.
    let bindingPath: String
    /// The last binding written or found unchanged, and its canonical bytes.
    let binding: Binding
    let bytes: [UInt8]
}
