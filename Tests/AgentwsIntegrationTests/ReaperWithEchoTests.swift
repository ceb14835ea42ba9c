import AgentwsCore
import AgentwsJSON
import Foundation
import Testing

/// Issue 4's reaper cases against the real echo plugin, files on disk and the plugin loader, with the
/// monotonic clock moved by the test. (The daemon's timer-driven reaper is tested through
/// `agentws serve`.)
@Suite("Reaper with the real echo plugin")
struct ReaperWithEchoTests {
    @Test func idleSessionsAreStoppedOthersAreLeftAlone() async throws {
        let harness = try RealEchoHarness()
        defer { harness.remove() }
        let service = harness.service()
        _ = try await harness.send(service, "idle", "one")
        _ = try await harness.send(service, "fresh", "one")
        _ = try await harness.send(service, "busy", "one [echo:busy 60000]")
        harness.clock.advance(.seconds(601))
        _ = try await harness.send(service, "fresh", "two")
        _ = try await harness.send(service, "stopped", "one")
        try await service.stop(try ThreadID("stopped"))
        let stoppedBefore = try harness.binding("stopped")

        let report = await service.reap()
        let verdicts = Dictionary(
            uniqueKeysWithValues: report.decisions.map { ($0.thread.rawValue, $0.verdict) })
        #expect(verdicts == ["idle": .stop, "fresh": .keepWithinTimeout, "busy": .keepProviderBusy])
        #expect(report.stopped == [try ThreadID("idle")])

        let idle = try #require(try harness.binding("idle"))
        #expect(try await harness.state(service, "idle") == .stopped && idle.resumeCursor != nil)
        #expect(harness.store.readRuntime(try ThreadID("idle"))?.lastStopCause == .idle)
        #expect(try await harness.state(service, "fresh") == .live)
        #expect(try await harness.state(service, "busy") == .live)
        #expect(try harness.binding("stopped") == stoppedBefore)

        // A reaped thread resumes the same conversation with the same cursor.
        let reply = try await harness.send(service, "idle", "back")
        #expect(reply == "echo-1 turn 2 (start 2): back")
        #expect(try harness.binding("idle")?.resumeCursor == idle.resumeCursor)
        _ = await service.stopAll(cause: .shutdown)
    }

    @Test func aSessionWithATurnRunningIsNotReaped() async throws {
        let harness = try RealEchoHarness()
        defer { harness.remove() }
        let service = harness.service()
        _ = try await harness.send(service, "slow", "one")
        harness.clock.advance(.seconds(601))
        async let turn = harness.send(service, "slow", "slow [echo:sleep 2000]")
        // Wait until the turn is under way (the plugin reports a running turn as busy, too).
        while true {
            let status = try await service.show(try ThreadID("slow"))
            if case .live(_, true, _) = status.liveness { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        let report = await service.reap()
        #expect(report.decisions.map(\.verdict) == [.keepTurnRunning])
        #expect(report.stopped.isEmpty)
        #expect(try await turn == "echo-1 turn 2 (start 1): slow")
        _ = await service.stopAll(cause: .shutdown)
    }

    @Test func oneFailingStopDoesNotEndTheSweep() async throws {
        let harness = try RealEchoHarness()
        defer { harness.remove() }
        let service = harness.service()
        _ = try await harness.send(service, "a", "one")
        _ = try await harness.send(service, "b", "one [echo:fail-stop]")
        _ = try await harness.send(service, "c", "one")
        harness.clock.advance(.seconds(601))
        let report = await service.reap()
        #expect(report.stopped == [try ThreadID("a"), try ThreadID("c")])
        #expect(report.failures[try ThreadID("b")]?.contains("failed as asked") == true)
        for thread in ["a", "b", "c"] {
            let binding = try #require(try harness.binding(thread))
            #expect(try await harness.state(service, thread) == .stopped && binding.resumeCursor != nil)
        }
        #expect(await service.liveThreads.isEmpty)
    }

    @Test func shutdownStopsEverySessionKeepingCursors() async throws {
        let harness = try RealEchoHarness()
        defer { harness.remove() }
        let service = harness.service()
        for thread in ["x", "y"] { _ = try await harness.send(service, thread, "one") }
        let failures = await service.stopAll(cause: .shutdown)
        #expect(failures.isEmpty)
        for thread in ["x", "y"] {
            let binding = try #require(try harness.binding(thread))
            #expect(try await harness.state(service, thread) == .stopped && binding.resumeCursor != nil)
            #expect(harness.store.readRuntime(try ThreadID(thread))?.lastStopCause == .shutdown)
        }
        let next = harness.service()
        #expect(try await harness.send(next, "x", "two") == "echo-1 turn 2 (start 2): two")
        _ = await next.stopAll(cause: .shutdown)
    }
}
