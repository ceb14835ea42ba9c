import AgentwsJSON
import AgentwsSystem

/// One live provider session owned by this process, with the facts the reaper needs. Provider events
/// arrive on arbitrary threads, so what they touch sits behind a mutex instead of on the actor.
final class ResidentSession: Sendable {
    struct Activity {
        var lastActivity: Duration
        var turnRunning = false
        /// Counts turns, so that an interrupt can tell the turn it targets from a later one.
        var turnNumber = 0
        var providerBusy = false
        /// Where the running turn's events go.
        var sink: (@Sendable (SessionEvent) -> Void)?
        /// Told when the provider ends the session on its own (`ProviderEvent.ended`).
        var ended: (@Sendable (String) -> Void)?
    }

    let thread: ThreadID
    let provider: String
    let lease: any ThreadLease
    let activity: SessionEventRouter
    let session: any ProviderSession
    /// The binding as this session last agreed it with the file (SPEC §4.4): set at start, and at
    /// every write the session makes; a file that no longer says this stops the session.
    private let agreed: Locked<Binding>

    init(
        thread: ThreadID, provider: String, lease: any ThreadLease, router: SessionEventRouter,
        session: any ProviderSession, boundAs binding: Binding
    ) {
        self.agreed = Locked(binding)
        self.thread = thread
        self.provider = provider
        self.lease = lease
        self.activity = router
        self.session = session
    }

    /// What the session runs, as a binding.
    var boundAs: Binding {
        get { agreed.withLock { $0 } }
        set { agreed.withLock { $0 = newValue } }
    }

    func snapshot() -> LiveSessionSnapshot {
        activity.state.withLock {
            LiveSessionSnapshot(
                thread: thread, provider: provider, lastActivity: $0.lastActivity,
                turnRunning: $0.turnRunning,
                providerBusy: $0.providerBusy)
        }
    }
}

/// Receives a session's provider events: forwards them to the running turn's caller and records
/// activity. Created before the session starts, because `start` already needs the handler.
final class SessionEventRouter: Sendable {
    let state: Locked<ResidentSession.Activity>
    private let clock: any IdleClock

    init(clock: any IdleClock) {
        self.clock = clock
        self.state = Locked(ResidentSession.Activity(lastActivity: clock.now()))
    }

    var handler: ProviderEventHandler {
        { [self] event in self.receive(event) }
    }

    private func receive(_ event: ProviderEvent) {
        let now = clock.now()
        let sink = state.withLock { activity -> (@Sendable (SessionEvent) -> Void)? in
            activity.lastActivity = now
            if case .busy(let busy) = event { activity.providerBusy = busy }
            return activity.sink
        }
        if case .ended(let reason) = event {
            // A running turn fails with the same reason by itself; this is for sessions between turns.
            state.withLock { $0.ended }?(reason)
            return
        }
        guard let sink else { return }
        switch event {
        case .text(let text): sink(.text(text))
        case .toolCall(let call): sink(.toolCall(call))
        case .notice(let text): sink(.notice(text))
        case .busy(let busy):
            sink(.notice(busy ? "provider reports work in progress" : "provider work finished"))
        case .other(let value): sink(.providerEvent(value))
        case .ended: break
        }
    }

    func beginTurn(sink: @escaping @Sendable (SessionEvent) -> Void) {
        state.withLock {
            $0.turnRunning = true
            $0.turnNumber += 1
            $0.sink = sink
        }
    }

    func endTurn() {
        let now = clock.now()
        state.withLock {
            $0.turnRunning = false
            $0.sink = nil
            $0.lastActivity = now
        }
    }

    var turnRunning: Bool { state.withLock { $0.turnRunning } }

    /// The number of the running turn, or nil when none runs.
    var runningTurn: Int? { state.withLock { $0.turnRunning ? $0.turnNumber : nil } }

    /// Whether turn `number` is still the one running.
    func isRunning(turn number: Int) -> Bool { state.withLock { $0.turnRunning && $0.turnNumber == number } }
}
