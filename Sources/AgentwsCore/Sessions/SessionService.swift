import AgentwsJSON

/// The session operations of SPEC §4 — send, stop, interrupt, reset, unbind, list, show, reap — over a
/// `ThreadStore` and a `ProviderResolver`. Pure logic: it never touches files, processes or `dlopen`
/// itself, so it runs against memory in unit tests and against plugins in the product.
///
/// Provider calls are awaited without holding anything that other threads need: the actor is
/// re-entrant, and only operations on the same thread queue behind each other.
public actor SessionService {
    /// Who owns sessions after an operation.
    public enum Residency: Sendable {
        /// A one-shot command: every session is stopped (cause `exit`) when its operation ends.
        case oneShot
        /// The daemon: sessions stay warm until stopped or reaped.
        case resident
    }

    let store: any ThreadStore
    let providers: any ProviderResolver
    /// The effective configuration this service applies.
    public nonisolated let configuration: Configuration
    let policy: ModelPolicy
    let clock: any IdleClock
    let wallClock: @Sendable () -> UTCDateTime
    /// The absolute path of the workspace root; bindings store `cwd` relative to it.
    public nonisolated let workspaceRoot: String
    let residency: Residency
    /// Where transcripts are captured to and restored from (SPEC §11); nil keeps none.
    let transcripts: (any TranscriptStore)?

    var live: [ThreadID: ResidentSession] = [:]
    var gates = ThreadGates()
    var capabilities: [String: ProviderCapabilities] = [:]

    public init(
        store: any ThreadStore, providers: any ProviderResolver, configuration: Configuration,
        workspaceRoot: String,
        residency: Residency, clock: any IdleClock = SystemIdleClock(),
        wallClock: @escaping @Sendable () -> UTCDateTime, transcripts: (any TranscriptStore)? = nil
    ) {
        self.transcripts = transcripts
        self.store = store
        self.providers = providers
        self.configuration = configuration
        self.policy = ModelPolicy(configuration: configuration)
        self.clock = clock
        self.wallClock = wallClock
        self.workspaceRoot = workspaceRoot
        self.residency = residency
    }

    // MARK: Per-thread serialisation

    func enterGate(_ thread: ThreadID) async {
        if gates.tryEnter(thread) { return }
        await withCheckedContinuation { continuation in gates.enqueue(thread, continuation) }
    }

    func leaveGate(_ thread: ThreadID) { gates.leave(thread) }

    /// Runs `body` with the thread's gate held.
    func withGate<T: Sendable>(_ thread: ThreadID, _ body: () async throws -> T) async throws -> T {
        await enterGate(thread)
        defer { leaveGate(thread) }
        return try await body()
    }

    // MARK: Ownership

    /// Takes the thread's lease for an operation of this process, failing fast (or waiting) when
    /// another process owns it, and brings this machine's state up to date with what the lease
    /// proves: a dead owner's session is recorded as stopped (SPEC §4.3), and a schema-1 file's
    /// `status` / `lastError` are taken into `state/` (SPEC §3.2).
    func acquireLease(_ thread: ThreadID, wait: Bool, events: (@Sendable (SessionEvent) -> Void)?)
        async throws
        -> any ThreadLease
    {
        while true {
            if let lease = try store.tryLease(thread) {
                do {
                    try reconcileState(thread, events: events)
                } catch {
                    lease.release()
                    throw error
                }
                return lease
            }
            guard wait else {
                let pid: Int32?
                if case .held(let holder) = store.leaseState(thread) { pid = holder } else { pid = nil }
                throw ThreadBusyError(thread: thread, ownerPID: pid)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Called with the thread's lease held and no live session of this process: any owner the
    /// local state names is gone, so its session is recorded as stopped (cause `recovered`), cursor
    /// kept. Returns whether it recovered one.
    @discardableResult
    func reconcileState(_ thread: ThreadID, events: (@Sendable (SessionEvent) -> Void)?) throws -> Bool {
        let binding = try? store.readBinding(thread)
        var record = store.readRuntime(thread) ?? RuntimeRecord()
        let previous = record
        var orphaned = record.ownerPID != nil
        if !record.legacyTaken, let legacy = binding?.legacy {
            record.legacyTaken = true
            if legacy.status == "active" { orphaned = true }
            if legacy.status == "error", record.lastError == nil {
                record.lastError = legacy.lastError ?? "an error recorded by an older agentws"
            }
        }
        if orphaned {
            let owner = record.ownerPID
            record.ownerPID = nil
            record.lastStopCause = .recovered
            record.lastStoppedAt = wallClock()
            events?(
                .notice(
                    "thread \(thread) was left live by \(owner.map { "pid \($0)" } ?? "a process") that is gone; recorded it as stopped (recovered), cursor kept"
                ))
        }
        if record != previous { try store.writeRuntime(record, for: thread) }
        return orphaned
    }

    // MARK: Helpers

    func capabilities(of providerName: String) async throws -> ProviderCapabilities {
        if let known = capabilities[providerName] { return known }
        let provider = try await providers.provider(named: providerName)
        let described = try await provider.describe()
        capabilities[providerName] = described
        return described
    }

    /// What provider instance `name` says about itself (loading its plugin on first use); cached for
    /// the life of the service.
    public func providerCapabilities(_ name: String) async throws -> ProviderCapabilities {
        try await capabilities(of: name)
    }

    func absoluteCwd(_ relative: String) -> String {
        relative == "." || relative.isEmpty ? workspaceRoot : workspaceRoot + "/" + relative
    }

    /// Ends a live session of this process: stops the provider session (a failure is reported but
    /// does not keep the stop from being recorded), records the cause (and `error`, if given) in this
    /// machine's state and releases the lease. The binding file is not written: nothing in it
    /// describes a session. Returns the provider's error message when its stop failed.
    ///
    /// The conversation's transcript is captured after the provider session stopped and before the
    /// lease goes (SPEC §11); a capture that writes nothing is recorded in state, and reported to
    /// `events` when it failed rather than being skipped by design.
    @discardableResult
    func endLiveSession(
        _ thread: ThreadID, cause: StopCause, error: String? = nil,
        events: (@Sendable (SessionEvent) -> Void)? = nil
    ) async -> String? {
        guard let session = live.removeValue(forKey: thread) else { return nil }
        var failure: String?
        do {
            try await session.session.stop()
        } catch {
            failure = error.description
        }
        if cause != .changed || mayCaptureAfterChange(thread, session: session.boundAs) {
            let outcome = await captureTranscript(thread, conversation: session.boundAs)
            if case .failed(let reason) = outcome {
                events?(.warning("thread \(thread): transcript not captured: \(reason)"))
            }
        }
        do {
            try recordStop(thread, cause: cause, error: error)
        } catch {
            failure = [failure, "recording the stop failed: \(error)"].compactMap { $0 }.joined(
                separator: "; ")
        }
        session.lease.release()
        return failure
    }

    /// Records a stop in this machine's state without touching the binding.
    func recordStop(_ thread: ThreadID, cause: StopCause, error: String? = nil) throws {
        var record = store.readRuntime(thread) ?? RuntimeRecord()
        record.ownerPID = nil
        record.lastStopCause = cause
        record.lastStoppedAt = wallClock()
        record.lastError = error
        try store.writeRuntime(record, for: thread)
    }

    /// SPEC §4.4: the binding file is the source of truth. Before an operation on a thread with a
    /// live session, the file is compared with what the session runs; if provider, model, cursor,
    /// cwd or runtime mode differ, or the file is gone or unreadable, the session is stopped (cause
    /// `changed`) — without writing the file — and the operation goes on from the file as it is.
    /// Returns whether it stopped the session.
    @discardableResult
    func followBindingFile(_ thread: ThreadID, events: (@Sendable (SessionEvent) -> Void)?) async -> Bool {
        guard let session = live[thread] else { return false }
        let reason: String
        do {
            guard let file = try store.readBinding(thread) else {
                reason = "its binding file was deleted"
                return await stopChanged(thread, session: session, reason: reason, events: events)
            }
            let changed = file.sessionFieldsChanged(from: session.boundAs)
            if changed.isEmpty { return false }
            reason = "its binding file changed (\(changed.joined(separator: ", ")))"
        } catch {
            reason = "its binding file cannot be read (\(error))"
        }
        return await stopChanged(thread, session: session, reason: reason, events: events)
    }

    private func stopChanged(
        _ thread: ThreadID, session: ResidentSession, reason: String,
        events: (@Sendable (SessionEvent) -> Void)?
    ) async -> Bool {
        if session.activity.turnRunning { return false }
        let failure = await endLiveSession(thread, cause: .changed, events: events)
        events?(
            .notice(
                "thread \(thread): \(reason) underneath the live \(session.provider) session; stopped it (changed) and going on from the file"
                    + (failure.map { " (stopping reported: \($0))" } ?? "")))
        return true
    }

    /// Stops every live session (daemon shutdown, end of a one-shot command). Running turns are
    /// interrupted first, so that a shutdown does not wait for a slow turn to finish.
    public func stopAll(cause: StopCause) async -> [ThreadID: String] {
        var failures: [ThreadID: String] = [:]
        for session in live.values {
            guard let turn = session.activity.runningTurn else { continue }
            try? await session.session.interrupt()
            Self.keepInterrupting(session, turn: turn)
        }
        for thread in live.keys.sorted() {
            await enterGate(thread)
            if let failure = await endLiveSession(thread, cause: cause) { failures[thread] = failure }
            leaveGate(thread)
        }
        return failures
    }

    /// Threads with a live session in this process.
    public var liveThreads: [ThreadID] { live.keys.sorted() }
}

/// Another process owns the thread (SPEC §4.3).
public struct ThreadBusyError: AgentwsFailure, Equatable {
    public let thread: ThreadID
    public let ownerPID: Int32?

    public init(thread: ThreadID, ownerPID: Int32?) {
        self.thread = thread
        self.ownerPID = ownerPID
    }

    public var category: ErrorCategory { .conflict }

    public var description: String {
        let owner = ownerPID.map { "owned by pid \($0)" } ?? "owned by another process"
        return "thread \(thread) is busy (\(owner)); wait for it with --wait, or send through 'agentws serve'"
    }
}
