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

    var live: [ThreadID: LiveSession] = [:]
    var gates = ThreadGates()
    var capabilities: [String: ProviderCapabilities] = [:]

    public init(
        store: any ThreadStore, providers: any ProviderResolver, configuration: Configuration,
        workspaceRoot: String,
        residency: Residency, clock: any IdleClock = SystemIdleClock(),
        wallClock: @escaping @Sendable () -> UTCDateTime
    ) {
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
    /// another process owns it, and recovers a binding its dead owner left `active` (SPEC §4.3).
    func acquireLease(_ thread: ThreadID, wait: Bool, events: (@Sendable (SessionEvent) -> Void)?)
        async throws
        -> any ThreadLease
    {
        while true {
            if let lease = try store.tryLease(thread) {
                do {
                    try recoverIfOrphaned(thread, lease: lease, events: events)
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

    /// A binding left `active` while its lease is free belongs to a process that died: record it as
    /// stopped (cause `recovered`), cursor kept.
    func recoverIfOrphaned(
        _ thread: ThreadID, lease: any ThreadLease, events: (@Sendable (SessionEvent) -> Void)?
    ) throws {
        guard var binding = try store.readBinding(thread), binding.status == .active else { return }
        let previous = store.readRuntime(thread)
        binding.status = .stopped
        try store.writeBinding(binding, lease: lease)
        var record = previous ?? RuntimeRecord()
        let owner = record.ownerPID
        record.ownerPID = nil
        record.lastStopCause = .recovered
        record.lastStoppedAt = wallClock()
        try store.writeRuntime(record, for: thread)
        events?(
            .notice(
                "thread \(thread) was left active by \(owner.map { "pid \($0)" } ?? "a process") that is gone; recorded it as stopped (recovered), cursor kept"
            ))
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
    /// does not keep the binding from being stopped), records the cause and releases the lease.
    /// Returns the provider's error message when its stop failed.
    @discardableResult
    func endLiveSession(
        _ thread: ThreadID, cause: StopCause, updating binding: ((inout Binding) -> Void)? = nil
    ) async -> String? {
        guard let session = live.removeValue(forKey: thread) else { return nil }
        var failure: String?
        do {
            try await session.session.stop()
        } catch {
            failure = error.description
        }
        do {
            if var current = try store.readBinding(thread) {
                if current.status == .active { current.status = .stopped }
                binding?(&current)
                try store.writeBinding(current, lease: session.lease)
            }
            var record = store.readRuntime(thread) ?? RuntimeRecord()
            record.ownerPID = nil
            record.lastStopCause = cause
            record.lastStoppedAt = wallClock()
            try store.writeRuntime(record, for: thread)
        } catch {
            failure = [failure, "recording the stop failed: \(error)"].compactMap { $0 }.joined(
                separator: "; ")
        }
        session.lease.release()
        return failure
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
