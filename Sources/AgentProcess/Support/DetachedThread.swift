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
    ///
    /// - Parameter onAnotherCPU: start it on a CPU other than the caller's (when the process may use
    ///   another), then let it run anywhere. Linux often queues a new thread on its creator's CPU,
    ///   where it waits for the creator's time slice (measured: 1–4 ms late at a command's start);
    ///   a thread meant to run beside its creator from the first instant asks for this.
    package static func start(onAnotherCPU: Bool = false, _ body: @escaping @Sendable () -> Void)
        throws(SystemError)
    {
        if onAnotherCPU, startOnAnotherCPU(body) { return }
        let result = create(attributes: nil, body)
        guard result == 0 else { throw SystemError("cannot start a thread", code: result) }
    }

    /// Starts `body` on a CPU other than the caller's; false when there is none, or it failed.
    private static func startOnAnotherCPU(_ body: @escaping @Sendable () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        guard CPUAffinity.startOnAnotherCPU(&attributes) else { return false }
        let started = create(attributes: &attributes) {
            // What it spawns inherits its CPU set, so it must not keep it.
            CPUAffinity.runAnywhere()
            body()
        }
        return started == 0
    }

    /// Creates the thread; pthread_create's result.
    private static func create(
        attributes: UnsafePointer<pthread_attr_t>?, _ body: @escaping @Sendable () -> Void
    ) -> Int32 {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, attributes,
            { context in
                guard let context else { return nil }
                Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return result
        }
        pthread_detach(thread)
        return 0
    }
}
