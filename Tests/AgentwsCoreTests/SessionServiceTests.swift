import AgentwsCore
import AgentwsJSON
import AgentwsTestSupport
import Testing

/// The session logic of SPEC §4–§6 against an in-memory store and provider: no files, processes or
/// plugins involved.
@Suite("Session service")
struct SessionServiceTests {
    let store = InMemoryThreadStore(processID: 4242)
    let backend = MemoryBackend()
    let clock = ManualClock()

    func configuration(_ change: (inout Configuration) -> Void = { _ in }) -> Configuration {
        var configuration = Configuration.defaults
        configuration.models.defaultModel = "mem/m1"
        configuration.providers = [
            "mem": .init(plugin: "mem"), "other": .init(plugin: "mem"), "restarting": .init(plugin: "mem"),
        ]
        change(&configuration)
        return configuration
    }

    func service(_ residency: SessionService.Residency = .oneShot, configuration: Configuration? = nil)
        -> SessionService
    {
        let resolver = MemoryResolver(providers: [
            "mem": MemoryProvider(name: "mem", backend: backend),
            "other": MemoryProvider(name: "other", backend: backend),
            "restarting": MemoryProvider(name: "restarting", backend: backend, modelSwitch: .restart),
        ])
        let clock = clock
        return SessionService(
            store: store, providers: resolver, configuration: configuration ?? self.configuration(),
            workspaceRoot: "/ws",
            residency: residency, clock: clock, wallClock: { clock.wall })
    }

    func send(
        _ service: SessionService, _ thread: String, _ text: String, model: String? = nil,
        provider: String? = nil, fresh: Bool = false
    )
        async throws -> (SendResult, EventLog)
    {
        let log = EventLog()
        let result = try await service.send(
            SendRequest(
                thread: try ThreadID(thread), text: text, model: model, provider: provider,
                freshOnResumeFailure: fresh),
            events: log.handler)
        return (result, log)
    }

    func binding(_ thread: String) throws -> Binding? { try store.readBinding(try ThreadID(thread)) }

    /// What `show` says of the thread on this machine.
    func state(_ service: SessionService, _ thread: String) async throws -> ThreadState {
        try await service.show(try ThreadID(thread)).state
    }

    @Test func aFirstSendBindsTheThreadToTheDefaultModel() async throws {
        let service = service()
        let (result, log) = try await send(service, "t1", "hello")
        #expect(result.start == .fresh && result.stopReason == .endTurn)
        #expect(log.text == "turn 1 (session model): hello")
        let saved = try #require(try binding("t1"))
        #expect(saved.provider == "mem" && saved.model == "m1")
        #expect(try await state(service, "t1") == .stopped)
        #expect(saved.resumeCursor == ["conversation": "conv-1"])
        #expect(saved.createdAt == clock.wall)
        #expect(store.readRuntime(try ThreadID("t1"))?.lastStopCause == .exit)
        #expect(store.leaseState(try ThreadID("t1")) == .free)
    }

    @Test func aTurnsUsageReachesTheResultAndTheLastEvent() async throws {
        let service = service()
        let (plain, plainLog) = try await send(service, "t1", "hello")
        #expect(plain.usage == nil && plainLog.all.last == .turnFinished(.endTurn, usage: nil))
        let (metered, log) = try await send(service, "t1", "metered")
        let usage = TurnUsage(
            inputTokens: 40, outputTokens: 5, cachedReadTokens: 30,
            cost: .init(amount: 0.0125, currency: "USD"))
        #expect(metered.usage == usage)
        #expect(log.all.last == .turnFinished(.endTurn, usage: usage))
    }

    @Test func stoppedThreadsResumeTheSameConversation() async throws {
        let service = service()
        _ = try await send(service, "t1", "one")
        try await service.stop(try ThreadID("t1"))
        let writes = store.writeCount
        let (result, log) = try await send(service, "t1", "two")
        #expect(result.start == .resumed)
        #expect(log.text.hasPrefix("turn 2"))
        #expect(backend.starts.last?.resumeCursor == ["conversation": "conv-1"])
        // Nothing in the file describes a session: resuming and stopping again writes nothing.
        #expect(store.writeCount == writes)
        #expect(try await state(service, "t1") == .stopped)
    }

    @Test func residentSessionsStayWarmAndActive() async throws {
        let service = service(.resident)
        _ = try await send(service, "t1", "one")
        #expect(try await state(service, "t1") == .live)
        #expect(store.readRuntime(try ThreadID("t1"))?.ownerPID == 4242)
        let (second, log) = try await send(service, "t1", "two")
        #expect(second.start == .warm)
        #expect(log.text.hasPrefix("turn 2"))
        #expect(backend.starts.count == 1)
        try await service.stop(try ThreadID("t1"))
        #expect(try await state(service, "t1") == .stopped)
        #expect(try binding("t1")?.resumeCursor == ["conversation": "conv-1"])
        #expect(store.readRuntime(try ThreadID("t1"))?.lastStopCause == .explicit)
        // Idempotent, and keeps everything.
        let before = try binding("t1")
        try await service.stop(try ThreadID("t1"))
        #expect(try binding("t1") == before)
    }

    @Test func stoppingAnUnboundThreadIsNotFound() async throws {
        let service = service()
        await #expect(throws: AgentwsError.self) { try await service.stop(try ThreadID("nobody")) }
        do {
            try await service.stop(try ThreadID("nobody"))
        } catch let error as AgentwsError {
            #expect(error.category == .notFound)
        }
    }

    @Test func resetDropsTheCursorButKeepsTheProvider() async throws {
        let service = service()
        _ = try await send(service, "t1", "one", model: "m2")
        try await service.reset(try ThreadID("t1"))
        let saved = try #require(try binding("t1"))
        #expect(saved.resumeCursor == nil && saved.provider == "mem" && saved.model == "m2")
        let (result, log) = try await send(service, "t1", "again")
        #expect(result.start == .fresh && log.text.hasPrefix("turn 1"))
        #expect(store.readRuntime(try ThreadID("t1"))?.lastStopCause == .exit)
    }

    @Test func unbindDeletesTheBindingAndFreesTheThreadForAnotherProvider() async throws {
        let service = service()
        _ = try await send(service, "t1", "one")
        try await service.unbind(try ThreadID("t1"))
        #expect(try binding("t1") == nil)
        let (result, _) = try await send(service, "t1", "two", provider: "other")
        #expect(result.provider == "other")
        await #expect(throws: AgentwsError.self) { try await service.unbind(try ThreadID("never")) }
    }

    @Test func aProviderSwitchIsRefusedAndWritesNothing() async throws {
        let service = service()
        _ = try await send(service, "t1", "one")
        let before = try binding("t1")
        let writes = store.writeCount
        do {
            _ = try await send(service, "t1", "two", provider: "other")
            Issue.record("provider switch accepted")
        } catch let error as AgentwsError {
            #expect(error.category == .conflict)
            #expect(error.message.contains("bound to provider 'mem'"))
            #expect(error.message.contains("agentws unbind t1"))
        }
        #expect(try binding("t1") == before)
        #expect(store.writeCount == writes)
        #expect(store.leaseState(try ThreadID("t1")) == .free)
    }

    @Test func anInSessionModelChangeKeepsTheConversation() async throws {
        let service = service(.resident)
        _ = try await send(service, "t1", "one")
        let (result, log) = try await send(service, "t1", "two", model: "m2")
        #expect(result.start == .warm)
        #expect(log.text == "turn 2 (m2): two")
        #expect(try binding("t1")?.model == "m2")
        #expect(try binding("t1")?.resumeCursor == ["conversation": "conv-1"])
    }

    @Test func aRestartModelChangeStartsFreshAndNeverReusesTheOldCursor() async throws {
        let service = service(.resident)
        _ = try await send(service, "t1", "one", provider: "restarting")
        _ = try await send(service, "t1", "two")
        let (result, log) = try await send(service, "t1", "three", model: "m2")
        #expect(result.start == .fresh)
        #expect(log.text.hasPrefix("turn 1"))
        #expect(backend.starts.last?.resumeCursor == nil)
        let saved = try #require(try binding("t1"))
        #expect(saved.model == "m2" && saved.resumeCursor == ["conversation": "conv-2"])
        // Stopped and resumed later, it is the new conversation that continues.
        try await service.stop(try ThreadID("t1"))
        let (_, after) = try await send(service, "t1", "four")
        #expect(after.text.hasPrefix("turn 2"))
        #expect(backend.starts.last?.resumeCursor == ["conversation": "conv-2"])
    }

    @Test func aRejectedModelChangeChangesNothing() async throws {
        let service = service(configuration: configuration { $0.models.onChange = .reject })
        _ = try await send(service, "t1", "one", provider: "restarting")
        let before = try binding("t1")
        do {
            _ = try await send(service, "t1", "two", model: "m2")
            Issue.record("model change accepted")
        } catch let error as AgentwsError {
            #expect(error.category == .conflict)
            #expect(error.message.contains("models.on_change is 'reject'"))
        }
        #expect(try binding("t1") == before)
    }

    @Test func modelsOutsideTheAllowListAreRefusedWithTheList() async throws {
        let service = service(configuration: configuration { $0.models.allow = ["mem/m1", "other/*"] })
        _ = try await send(service, "t1", "one")
        do {
            _ = try await send(service, "t2", "x", model: "mem/m2")
            Issue.record("disallowed model accepted")
        } catch let error as AgentwsError {
            #expect(error.message == "model mem/m2 is not allowed by models.allow; allowed: mem/m1, other/*")
        }
        #expect(try binding("t2") == nil)
        _ = try await send(service, "t3", "x", model: "other/m2")
    }

    @Test func aModelTheProviderDoesNotAcceptIsRefused() async throws {
        let service = service()
        await #expect(throws: AgentwsError.self) { _ = try await send(service, "t1", "x", model: "m9") }
        #expect(try binding("t1") == nil)
    }

    @Test func aliasesResolveToProviderAndModel() async throws {
        let service = service(configuration: configuration { $0.models.aliases = ["fast": "other/m2"] })
        let (result, _) = try await send(service, "t1", "x", model: "fast")
        #expect(result.provider == "other" && result.model == "m2")
    }

    @Test func aLostConversationFailsKeepsTheCursorAndRecordsTheError() async throws {
        let service = service()
        _ = try await send(service, "t1", "one")
        backend.forget("conv-1")
        let before = try binding("t1")
        let writes = store.writeCount
        do {
            _ = try await send(service, "t1", "two")
            Issue.record("resume of a lost conversation succeeded")
        } catch let error as ProviderError {
            #expect(error.code == .resumeFailed && error.category.exitCode == 6)
            #expect(
                error.message.contains("thread t1") && error.message.contains(#"{"conversation":"conv-1"}"#))
        }
        let saved = try #require(try binding("t1"))
        // The error is this machine's: in its state, not in the file, which is as it was.
        #expect(saved == before)
        #expect(try await state(service, "t1").errorText?.contains("cannot resume thread t1") == true)
        #expect(backend.starts.count == 2)
        #expect(store.writeCount == writes)
        #expect(store.leaseState(try ThreadID("t1")) == .free)
    }

    @Test func freshReplacesALostConversationWithAWarning() async throws {
        let service = service()
        _ = try await send(service, "t1", "one")
        backend.forget("conv-1")
        let (result, log) = try await send(service, "t1", "two", fresh: true)
        #expect(result.start == .replaced)
        #expect(log.text.hasPrefix("turn 1"))
        #expect(log.warnings.count == 1 && log.warnings[0].contains("NOT carried over"))
        #expect(try binding("t1")?.resumeCursor == ["conversation": "conv-2"])
        #expect(try await state(service, "t1") == .stopped)
    }

    @Test func theConfigurationCanMakeResumeFailuresFresh() async throws {
        let service = service(configuration: configuration { $0.sessions.onResumeFailure = .fresh })
        _ = try await send(service, "t1", "one")
        backend.forget("conv-1")
        let (result, _) = try await send(service, "t1", "two")
        #expect(result.start == .replaced)
    }

    @Test func aFailedTurnRecordsTheErrorAndKeepsTheCursor() async throws {
        let service = service(.resident)
        _ = try await send(service, "t1", "one")
        await #expect(throws: ProviderError.self) { _ = try await send(service, "t1", "fail") }
        let saved = try #require(try binding("t1"))
        #expect(try await state(service, "t1").errorText?.contains("the model fell over") == true)
        #expect(saved.resumeCursor == ["conversation": "conv-1"])
        #expect(await service.liveThreads.isEmpty)
        let (result, _) = try await send(service, "t1", "three")
        #expect(result.start == .resumed)
        #expect(try await state(service, "t1") == .live)
    }

    @Test func aThreadLeftLiveByADeadOwnerIsRecoveredAndResumed() async throws {
        let thread = try ThreadID("t1")
        store.seed(
            Binding(
                threadID: thread, provider: "mem", model: "m1", resumeCursor: ["conversation": "conv-7"],
                createdAt: clock.wall))
        try store.writeRuntime(RuntimeRecord(ownerPID: 77), for: thread)
        #expect(try await state(service(), "t1") == .stopped)
        #expect(try await service().show(thread).liveness == .orphaned)
        backend.state.withLock { $0.conversations["conv-7"] = 3 }
        let service = service()
        let (result, log) = try await send(service, "t1", "next")
        #expect(result.start == .resumed && log.text.hasPrefix("turn 4"))
        #expect(
            log.all.contains {
                if case .notice(let text) = $0 { return text.contains("recovered") } else { return false }
            })
        #expect(store.readRuntime(thread)?.lastStopCause == .exit)
        #expect(store.threadsRecordedLive().isEmpty)
    }

    @Test func aSchema1FileSaysActiveOrErrorOnlyUntilItsStateIsTaken() async throws {
        let active = try ThreadID("old-active")
        let failed = try ThreadID("old-error")
        store.seed(
            Binding(
                threadID: active, provider: "mem", model: "m1", resumeCursor: ["conversation": "conv-7"],
                createdAt: clock.wall, schemaVersion: 1, legacy: .init(status: "active", lastError: nil)))
        store.seed(
            Binding(
                threadID: failed, provider: "mem", model: "m1", resumeCursor: ["conversation": "conv-8"],
                createdAt: clock.wall, schemaVersion: 1, legacy: .init(status: "error", lastError: "it broke")
            ))
        backend.state.withLock {
            $0.conversations["conv-7"] = 1
            $0.conversations["conv-8"] = 1
        }
        let service = service()
        #expect(try await service.show(active).liveness == .orphaned)
        #expect(try await state(service, "old-error") == .error("it broke"))
        let writes = store.writeCount
        let (result, log) = try await send(service, "old-active", "next")
        #expect(result.start == .resumed && log.text.hasPrefix("turn 2"))
        #expect(
            log.all.contains { if case .notice(let text) = $0 { text.contains("recovered") } else { false } })
        // Same meaning: the schema-1 file is not rewritten, and its status is not taken twice.
        #expect(store.writeCount == writes)
        #expect(try binding("old-active")?.schemaVersion == 1)
        #expect(try await state(service, "old-active") == .stopped)
        #expect(store.readRuntime(active)?.legacyTaken == true)
        _ = try await send(service, "old-error", "again")
        #expect(try await state(service, "old-error") == .stopped)
        #expect(try binding("old-error")?.schemaVersion == 1)
    }

    @Test func aThreadOwnedByAnotherProcessIsBusy() async throws {
        let service = service()
        _ = try await send(service, "t1", "one")
        store.simulateForeignLease(try ThreadID("t1"), pid: 999)
        do {
            _ = try await send(service, "t1", "two")
            Issue.record("a second owner was allowed")
        } catch let error as ThreadBusyError {
            #expect(error.description.contains("busy (owned by pid 999)"))
            #expect(error.category.exitCode == 4)
        }
        await #expect(throws: ThreadBusyError.self) { try await service.stop(try ThreadID("t1")) }
        await #expect(throws: AgentwsError.self) { try await service.interrupt(try ThreadID("t1")) }
    }

    @Test func interruptNeedsALiveTurn() async throws {
        let service = service(.resident)
        await #expect(throws: AgentwsError.self) { try await service.interrupt(try ThreadID("t1")) }
        _ = try await send(service, "t1", "one")
        await #expect(throws: AgentwsError.self) { try await service.interrupt(try ThreadID("t1")) }
        backend.holdTurns(true)
        let log = EventLog()
        async let turn = service.send(
            SendRequest(thread: try ThreadID("t1"), text: "slow"), events: log.handler)
        while backend.state.withLock({ $0.hold.isEmpty }) { await Task.yield() }
        try await service.interrupt(try ThreadID("t1"))
        #expect(try await turn.stopReason == .cancelled)
    }

    @Test func newThreadsGetGeneratedIDs() async throws {
        let service = service()
        let result = try await service.send(SendRequest(thread: nil, text: "hi"), events: { _ in })
        #expect(result.thread.rawValue.hasPrefix(clock.wall.compactStamp))
        #expect(try store.readBinding(result.thread) != nil)
    }
}
