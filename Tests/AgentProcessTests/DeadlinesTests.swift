import AgentProcess
import AgentwsSystem
import AgentwsTestSupport
import Testing

/// `Deadlines`: every limit expires once unless cancelled, whatever order limits are set in. No
/// test measures time: each waits (up to `waitUntil`'s limit) for expiries to happen, and a
/// cancelled limit is checked after a later one has expired.
@Suite struct DeadlinesTests {
    /// How often each of `count` expiries ran.
    private final class Runs: Sendable {
        let counts: Locked<[Int]>
        init(_ count: Int) { counts = Locked(Array(repeating: 0, count: count)) }
        func ran(_ index: Int) { counts.withLock { $0[index] += 1 } }
        var snapshot: [Int] { counts.withLock { $0 } }
    }

    @Test func aLimitExpiresOnceAfterItsTime() async throws {
        let runs = Runs(1)
        let start = ContinuousClock.now
        let ranAt = Locked<ContinuousClock.Instant?>(nil)
        _ = Deadlines.shared.schedule(after: .milliseconds(30)) {
            ranAt.withLock { $0 = .now }
            runs.ran(0)
        }
        try await waitUntil("the limit expired") { runs.snapshot == [1] }
        // Never early: the only claim about time, and it holds on any machine.
        let at = try #require(ranAt.withLock { $0 })
        #expect(at - start >= .milliseconds(30))
        try await Task.sleep(for: .milliseconds(50))
        #expect(runs.snapshot == [1])
    }

    @Test func aCancelledLimitNeverExpires() async throws {
        let runs = Runs(2)
        // Cancelled right after it is set, long before it is due; the second is due after it.
        let cancelled = Deadlines.shared.schedule(after: .milliseconds(200)) { runs.ran(0) }
        Deadlines.shared.cancel(cancelled)
        _ = Deadlines.shared.schedule(after: .milliseconds(400)) { runs.ran(1) }
        try await waitUntil("the later limit expired") { runs.snapshot[1] == 1 }
        #expect(runs.snapshot == [0, 1])
    }

    /// The thread sleeps until the earliest limit it knows; a new, earlier one must wake it.
    @Test func anEarlierLimitSetLaterStillExpiresFirst() async throws {
        let runs = Runs(2)
        let distant = Deadlines.shared.schedule(after: .seconds(3600)) { runs.ran(0) }
        defer { Deadlines.shared.cancel(distant) }
        try await Task.sleep(for: .milliseconds(20))
        _ = Deadlines.shared.schedule(after: .milliseconds(10)) { runs.ran(1) }
        try await waitUntil("the near limit expired", limit: .seconds(20)) { runs.snapshot[1] == 1 }
        #expect(runs.snapshot == [0, 1])
    }

    @Test func manyLimitsFromManyTasksEachExpireOnce() async throws {
        let count = 400
        let runs = Runs(count + 1)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in stride(from: task, to: count, by: 8) {
                        let kept = index % 2 == 0
                        // A cancelled one is cancelled right after it is set, long before it is due.
                        let limit = Duration.milliseconds(index % 37) + (kept ? .zero : .milliseconds(200))
                        let token = Deadlines.shared.schedule(after: limit) { runs.ran(index) }
                        if !kept { Deadlines.shared.cancel(token) }
                    }
                }
            }
        }
        // Due after every cancelled limit would have been.
        _ = Deadlines.shared.schedule(after: .milliseconds(500)) { runs.ran(count) }
        try await waitUntil("every kept limit and the last one expired") { runs.snapshot[count] == 1 }
        let counts = runs.snapshot.dropLast()
        #expect(counts.enumerated().allSatisfy { $0.element == ($0.offset % 2 == 0 ? 1 : 0) })
    }
}
