import AgentwsCore
import AgentwsSystem

/// Clocks the test moves by hand: a monotonic one for the reaper and a wall clock beside it.
/// `suspend` models a machine asleep: wall time passes, the monotonic clock does not (as
/// CLOCK_MONOTONIC behaves on Linux).
package final class ManualClock: IdleClock {
    private let value = Locked((monotonic: Duration.seconds(1000), wall: Int64(1_796_086_944)))

    package init() {}

    package func now() -> Duration { value.withLock { $0.monotonic } }
    package var wall: UTCDateTime { value.withLock { UTCDateTime(secondsSinceEpoch: $0.wall) } }

    package func advance(_ duration: Duration) {
        value.withLock {
            $0.monotonic += duration
            $0.wall += duration.components.seconds
        }
    }

    package func suspend(for duration: Duration) { value.withLock { $0.wall += duration.components.seconds } }
}
