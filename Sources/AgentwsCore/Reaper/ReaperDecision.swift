/// What the reaper needs to know about one live session.
public struct LiveSessionSnapshot: Sendable, Equatable {
    public var thread: ThreadID
    public var provider: String
    /// Monotonic time of the later of: the end of the last turn, the last provider event.
    public var lastActivity: Duration
    public var turnRunning: Bool
    /// The provider reported work in progress (events or `status`).
    public var providerBusy: Bool

    public init(
        thread: ThreadID, provider: String, lastActivity: Duration, turnRunning: Bool, providerBusy: Bool
    ) {
        self.thread = thread
        self.provider = provider
        self.lastActivity = lastActivity
        self.turnRunning = turnRunning
        self.providerBusy = providerBusy
    }
}

/// The reaper's verdict on one session, with its reason.
public struct ReapDecision: Sendable, Equatable, CustomStringConvertible {
    public enum Verdict: Sendable, Equatable {
        /// Idle for at least the timeout: stop it (reason `idle`).
        case stop
        /// Idle, but not for long enough yet.
        case keepWithinTimeout
        case keepTurnRunning
        case keepProviderBusy
    }

    public var thread: ThreadID
    public var provider: String
    public var verdict: Verdict
    public var idle: Duration
    public var timeout: ConfigDuration

    public init(thread: ThreadID, provider: String, verdict: Verdict, idle: Duration, timeout: ConfigDuration)
    {
        self.thread = thread
        self.provider = provider
        self.verdict = verdict
        self.idle = idle
        self.timeout = timeout
    }

    public var description: String {
        let idleText = ReapDecision.format(idle)
        switch verdict {
        case .stop: return "stop \(thread) (\(provider)): idle \(idleText) ≥ idle_timeout \(timeout)"
        case .keepWithinTimeout:
            return "keep \(thread) (\(provider)): idle \(idleText) < idle_timeout \(timeout)"
        case .keepTurnRunning: return "keep \(thread) (\(provider)): a turn is running"
        case .keepProviderBusy: return "keep \(thread) (\(provider)): the provider reports work in progress"
        }
    }

    /// A duration rounded to the millisecond, written like configuration durations.
    static func format(_ duration: Duration) -> String {
        let milliseconds = max(
            0, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        return ConfigDuration(milliseconds: milliseconds).description
    }
}

/// The reaper's decision function (SPEC §5): pure, so that it is tested without processes and
/// measured over 100,000 sessions without I/O.
public enum Reaper {
    public static func decide(
        sessions: [LiveSessionSnapshot], configuration: Configuration, now: Duration
    ) -> [ReapDecision] {
        sessions.map { session in
            let timeout = configuration.idleTimeout(forProvider: session.provider)
            let idle = now - session.lastActivity
            let verdict: ReapDecision.Verdict
            if session.turnRunning {
                verdict = .keepTurnRunning
            } else if session.providerBusy {
                verdict = .keepProviderBusy
            } else if idle >= timeout.duration {
                verdict = .stop
            } else {
                verdict = .keepWithinTimeout
            }
            return ReapDecision(
                thread: session.thread, provider: session.provider, verdict: verdict, idle: idle,
                timeout: timeout)
        }
    }
}
