import AgentwsCore
import AgentwsJSON
import AgentwsTestSupport
import Testing

@Suite("Reaper")
struct ReaperTests {
    func snapshot(
        _ thread: String, provider: String = "echo", last: Duration, running: Bool = false, busy: Bool = false
    ) throws -> LiveSessionSnapshot {
        LiveSessionSnapshot(
            thread: try ThreadID(thread), provider: provider, lastActivity: last, turnRunning: running,
            providerBusy: busy)
    }

    @Test func decidesFromIdleTimeTurnsBusinessAndPerProviderTimeouts() throws {
        var configuration = Configuration.defaults
        configuration.reaper.idleTimeout = .minutes(30)
        configuration.providers["codex"] = .init(plugin: "codex", idleTimeout: .hours(2))
        let now = Duration.seconds(10_000)
        let decisions = Reaper.decide(
            sessions: [
                try snapshot("idle", last: now - .seconds(1800)),
                try snapshot("recent", last: now - .seconds(1799)),
                try snapshot("running", last: now - .seconds(5000), running: true),
                try snapshot("busy", last: now - .seconds(5000), busy: true),
                try snapshot("codex-long", provider: "codex", last: now - .seconds(5000)),
                try snapshot("codex-old", provider: "codex", last: now - .seconds(7200)),
            ], configuration: configuration, now: now)
        #expect(
            decisions.map(\.verdict) == [
                .stop, .keepWithinTimeout, .keepTurnRunning, .keepProviderBusy, .keepWithinTimeout, .stop,
            ])
        #expect(decisions[0].description == "stop idle (echo): idle 30m ≥ idle_timeout 30m")
        #expect(decisions[4].description == "keep codex-long (codex): idle 1h23m20s < idle_timeout 2h")
    }
}

@Suite("Reaper sweeps")
struct ReaperSweepTests {
    let store = InMemoryThreadStore(processID: 7)
    let backend = MemoryBackend()
    let clock = ManualClock()

    func service() -> SessionService {
        var configuration = Configuration.defaults
        configuration.models.defaultModel = "mem/m1"
        configuration.reaper.idleTimeout = .minutes(10)
        configuration.providers = ["mem": .init(plugin: "mem")]
        let clock = clock
        return SessionService(
            store: store,
            providers: MemoryResolver(providers: ["mem": MemoryProvider(name: "mem", backend: backend)]),
            configuration: configuration, workspaceRoot: "/ws", residency: .resident, clock: clock,
            wallClock: { clock.wall })
    }

    func send(_ service: SessionService, _ thread: String) async throws {
        _ = try await service.send(SendRequest(thread: try ThreadID(thread), text: "x"), events: { _ in })
    }

    @Test func idleSessionsAreStoppedWithBindingAndCursorKept() async throws {
        let service = service()
        try await send(service, "old")
        clock.advance(.seconds(300))
        try await send(service, "young")
        clock.advance(.seconds(300))
        let report = await service.reap()
        #expect(report.stopped == [try ThreadID("old")])
        #expect(report.decisions.map(\.verdict) == [.stop, .keepWithinTimeout])
        let old = try #require(try store.readBinding(try ThreadID("old")))
        #expect(try await service.show(try ThreadID("old")).state == .stopped)
        #expect(old.resumeCursor == ["conversation": "conv-1"])
        #expect(store.readRuntime(try ThreadID("old"))?.lastStopCause == .idle)
        #expect(try await service.show(try ThreadID("young")).state == .live)
        // Already stopped: nothing more to do.
        let again = await service.reap()
        #expect(again.stopped.isEmpty && again.decisions.count == 1)
        // The reaped thread resumes with the same cursor.
        try await send(service, "old")
        #expect(backend.starts.last?.resumeCursor == ["conversation": "conv-1"])
    }

    @Test func dryRunDecidesButChangesNothing() async throws {
        let service = service()
        try await send(service, "old")
        clock.advance(.seconds(601))
        let report = await service.reap(dryRun: true)
        #expect(report.decisions.map(\.verdict) == [.stop] && report.stopped.isEmpty)
        #expect(await service.liveThreads == [try ThreadID("old")])
    }

    @Test func busyProvidersAndRunningTurnsAreNeverReaped() async throws {
        let service = service()
        try await send(service, "busy")
        clock.advance(.seconds(700))
        backend.setBusy(true)
        let report = await service.reap()
        #expect(report.decisions.map(\.verdict) == [.keepProviderBusy])
        backend.setBusy(false)

        backend.holdTurns(true)
        async let running: Void = send(service, "busy")
        while backend.state.withLock({ $0.hold.isEmpty }) { await Task.yield() }
        clock.advance(.seconds(700))
        let during = await service.reap()
        #expect(during.decisions.map(\.verdict) == [.keepTurnRunning] && during.stopped.isEmpty)
        backend.releaseHeldTurns()
        try await running
    }

    @Test func oneFailingStopDoesNotEndTheSweep() async throws {
        let service = service()
        for thread in ["a", "b", "c"] { try await send(service, thread) }
        backend.failStop(forThread: "b")
        clock.advance(.seconds(601))
        let report = await service.reap()
        #expect(report.stopped == [try ThreadID("a"), try ThreadID("c")])
        #expect(report.failures[try ThreadID("b")]?.contains("stop refused") == true)
        // Even the failed one is recorded as stopped, cursor kept: the provider is the one at fault.
        #expect(try await service.show(try ThreadID("b")).state == .stopped)
        #expect(try store.readBinding(try ThreadID("b"))?.resumeCursor != nil)
    }

    @Test func threadsLeftLiveByDeadOwnersAreReconciled() async throws {
        let service = service()
        let thread = try ThreadID("orphan")
        store.seed(
            Binding(
                threadID: thread, provider: "mem", model: "m1", resumeCursor: ["conversation": "c"],
                createdAt: clock.wall))
        try store.writeRuntime(RuntimeRecord(ownerPID: 30), for: thread)
        let held = try ThreadID("held")
        store.seed(Binding(threadID: held, provider: "mem", model: "m1", createdAt: clock.wall))
        try store.writeRuntime(RuntimeRecord(ownerPID: 31), for: held)
        store.simulateForeignLease(held, pid: 31)
        // A schema-1 file that says active, from before state/ knew about it.
        let legacy = try ThreadID("legacy")
        store.seed(
            Binding(
                threadID: legacy, provider: "mem", model: "m1", createdAt: clock.wall, schemaVersion: 1,
                legacy: .init(status: "active", lastError: nil)))
        let bindingsBefore = try store.listBindings()
        let dry = await service.reap(dryRun: true)
        #expect(dry.recovered == [legacy, thread])
        #expect(store.readRuntime(thread)?.ownerPID == 30)
        let report = await service.reap()
        #expect(report.recovered == [legacy, thread])
        #expect(try await service.show(thread).state == .stopped)
        #expect(store.readRuntime(thread)?.lastStopCause == .recovered)
        #expect(store.readRuntime(legacy)?.lastStopCause == .recovered)
        #expect(try await service.show(held).state == .live)
        // Nothing of this reaches the binding files.
        #expect(try store.listBindings() == bindingsBefore)
    }

    @Test func idleTimeIgnoresTimeTheMachineWasSuspended() async throws {
        let service = service()
        try await send(service, "sleepy")
        clock.advance(.seconds(60))
        // Eight hours with the lid closed: wall time moves, the monotonic clock does not.
        clock.suspend(for: .seconds(8 * 3600))
        let report = await service.reap()
        #expect(report.decisions.map(\.verdict) == [.keepWithinTimeout])
        #expect(report.decisions[0].idle == .seconds(60))
        clock.advance(.seconds(540))
        #expect(await service.reap().stopped == [try ThreadID("sleepy")])
    }
}
