/// A value guarded by a pthread mutex: the one lock type of agentws.
///
/// Not `Synchronization.Mutex`: on Linux that lock is built on futexes inside the Swift runtime,
/// which Thread Sanitizer cannot see, so every value it guards shows up as a data race under
/// `--sanitize=thread`. Plugin callbacks arrive on foreign threads, and being able to check that with
/// TSan is worth a few lines; TSan intercepts pthread mutexes.
///
/// Like `Synchronization.Mutex`, the value need not be `Sendable`: it goes in as `sending` and is only
/// reached inside `withLock`, whose result goes out as `sending`, so it never escapes to two threads.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched with `mutex` held, and the mutex lives as long as the object;
    // `sending` on the way in and out keeps a non-Sendable value from being shared around the lock.
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init(_ value: sending Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
