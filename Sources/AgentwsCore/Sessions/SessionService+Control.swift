extension SessionService {
    /// Stops the thread's session, keeping provider, model, cursor and cwd (SPEC §4.1). Idempotent:
    /// stopping a stopped thread succeeds and changes nothing. An unbound thread is an error.
    public func stop(_ thread: ThreadID, events: (@Sendable (SessionEvent) -> Void)? = nil) async throws {
        try await interruptRunningTurn(thread)
        try await withGate(thread) {
            if live[thread] != nil {
                if let failure = await endLiveSession(thread, cause: .explicit, events: events) {
                    events?(
                        .warning(
                            "the provider reported an error while stopping thread \(thread): \(failure); the binding is stopped and its cursor kept"
                        ))
                }
                return
            }
            let lease = try await acquireLease(thread, wait: false, events: events)
            defer { lease.release() }
            guard try store.readBinding(thread) != nil else { throw Self.unbound(thread) }
            // Stopping a thread in error clears the error: the user has seen it. A stopped thread
            // stays as it is (idempotent).
            if store.readRuntime(thread)?.lastError != nil {
                try recordStop(thread, cause: .explicit)
            }
        }
    }

    /// Interrupts the running turn of a live session. Never starts a session to do so.
    public func interrupt(_ thread: ThreadID) async throws {
        guard let session = live[thread] else {
            if case .held(let pid) = store.leaseState(thread) {
                throw AgentwsError(
                    .conflict,
                    "thread \(thread) is live in another process (\(pid.map { "pid \($0)" } ?? "unknown pid")); interrupt it there (Ctrl-C) or through 'agentws serve'"
                )
            }
            throw AgentwsError(
                .failure, "thread \(thread) has no live session; there is nothing to interrupt")
        }
        guard let turn = session.activity.runningTurn else {
            throw AgentwsError(
                .failure, "thread \(thread) has no turn running; there is nothing to interrupt")
        }
        try await session.session.interrupt()
        Self.keepInterrupting(session, turn: turn)
    }

    /// A provider may take the interrupt before the turn's `send` reaches it (a plugin may run
    /// calls in any order), and would then run the turn to its end. So the interrupt is repeated,
    /// a bounded number of times, for as long as that same turn is still running.
    static func keepInterrupting(_ session: ResidentSession, turn: Int) {
        Task {
            for _ in 0..<50 {
                try? await Task.sleep(for: .milliseconds(100))
                guard session.activity.isRunning(turn: turn) else { return }
                try? await session.session.interrupt()
            }
        }
    }

    /// Interrupts a running turn, if any, so that a stop does not wait for it to finish.
    private func interruptRunningTurn(_ thread: ThreadID) async throws {
        if let session = live[thread], let turn = session.activity.runningTurn {
            try? await session.session.interrupt()
            Self.keepInterrupting(session, turn: turn)
        }
    }

    /// Destructive, explicit: stops the session and drops the resume cursor; provider and model stay.
    public func reset(_ thread: ThreadID, events: (@Sendable (SessionEvent) -> Void)? = nil) async throws {
        try await interruptRunningTurn(thread)
        try await withGate(thread) {
            if let session = live[thread] {
                // Hold on to the lease while the cursor is dropped.
                let lease = session.lease
                live.removeValue(forKey: thread)
                try? await session.session.stop()
                defer { lease.release() }
                try dropCursor(thread, lease: lease)
                return
            }
            let lease = try await acquireLease(thread, wait: false, events: events)
            defer { lease.release() }
            try dropCursor(thread, lease: lease)
        }
    }

    private func dropCursor(_ thread: ThreadID, lease: any ThreadLease) throws {
        guard var binding = try store.readBinding(thread) else { throw Self.unbound(thread) }
        binding.resumeCursor = nil
        try store.writeBinding(binding, lease: lease)
        // The conversation is forgotten, and so is its transcript.
        try transcripts?.removeHeld(thread)
        try recordStop(thread, cause: .reset)
    }

    /// Destructive, explicit: stops the session and deletes the binding; the thread may then be bound
    /// to any provider.
    public func unbind(_ thread: ThreadID, events: (@Sendable (SessionEvent) -> Void)? = nil) async throws {
        try await interruptRunningTurn(thread)
        try await withGate(thread) {
            let lease: any ThreadLease
            if let session = live.removeValue(forKey: thread) {
                lease = session.lease
                try? await session.session.stop()
            } else {
                lease = try await acquireLease(thread, wait: false, events: events)
            }
            defer { lease.release() }
            guard try store.deleteBinding(thread, lease: lease) else { throw Self.unbound(thread) }
            try transcripts?.removeHeld(thread)
            try store.deleteRuntime(thread)
        }
    }

    static func unbound(_ thread: ThreadID) -> AgentwsError {
        AgentwsError(
            .notFound,
            "thread \(thread) has no binding (nothing to stop, reset or unbind); 'agentws list' shows the bound threads"
        )
    }
}
