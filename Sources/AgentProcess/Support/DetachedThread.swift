import AgentwsSystem

/// Runs a closure on a thread of its own.
///
/// The reader of a child's output blocks in `poll` for as long as the child lives; doing that on a
/// thread of the Swift concurrency pool (two threads on a two-core machine) would starve every task
/// of the host process.
package enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new detached thread.
    package static func start(_ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw SystemError("cannot start a thread", code: result)
        }
        pthread_detach(thread)
    }
}
