/// A monotonic clock for idle times: it does not advance while the machine is suspended, so a laptop
/// that slept through lunch does not come back to find every session reaped.
public protocol IdleClock: Sendable {
    /// Time since an arbitrary, fixed origin.
    func now() -> Duration
}

/// The system's suspending clock (`CLOCK_MONOTONIC` on Linux, which stops during suspend; unlike
/// `ContinuousClock`, which is `CLOCK_BOOTTIME` and keeps counting).
public struct SystemIdleClock: IdleClock {
    private let origin = SuspendingClock.now

    public init() {}

    public func now() -> Duration { SuspendingClock.now - origin }
}
