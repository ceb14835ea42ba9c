/// A counting semaphore on a POSIX `sem_t`: for a thread that must block until another one says so
/// (a plugin's `destroy` waiting for its last host callback to return).
///
/// Not `DispatchSemaphore`: importing Dispatch for it made every Swift plugin load the Swift
/// Dispatch overlay (`libswiftDispatch.so`), whose dynamic linking a plugin host pays on the way to
/// its first answer in every isolated one-shot send. Thread Sanitizer intercepts `sem_post` and
/// `sem_wait`, as it does pthread mutexes (`Locked`).
package final class Semaphore: @unchecked Sendable {
    // @unchecked: `sem_t` is made for use from any thread; it lives at one address for the object's
    // lifetime, as POSIX requires.
    private let semaphore: UnsafeMutablePointer<sem_t>

    /// A semaphore whose count starts at `value`.
    package init(value: UInt32 = 0) {
        semaphore = .allocate(capacity: 1)
        semaphore.initialize(to: sem_t())
        sem_init(semaphore, 0, value)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deinitialize(count: 1)
        semaphore.deallocate()
    }

    /// Adds one to the count, waking one waiter.
    package func signal() {
        sem_post(semaphore)
    }

    /// Waits until the count is above zero, then takes one.
    package func wait() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }
}
