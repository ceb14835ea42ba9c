import AgentwsCore
import AgentwsJSON
import Testing

/// What the daemon and the ACP agent need from the session service beyond the CLI's operations.
extension SessionServiceTests {
    @Test func checkModelRefusesWhatSendWouldRefuseAndChangesNothing() async throws {
        let service = service(configuration: configuration { $0.models.onChange = .reject })
        _ = try await send(service, "t1", "one", model: "m1", provider: "restarting")
        let writes = store.writeCount
        let thread = try ThreadID("t1")
        var checkMessage: String?
        do {
            _ = try await service.checkModel("m2", for: thread)
        } catch let error as AgentwsError {
            checkMessage = error.message
            #expect(error.category == .conflict)
        }
        var sendMessage: String?
        do {
            _ = try await send(service, "t1", "two", model: "m2")
        } catch let error as AgentwsError {
            sendMessage = error.message
        }
        #expect(checkMessage != nil && checkMessage == sendMessage)
        await #expect(throws: AgentwsError.self) {
            _ = try await service.checkModel(nil, provider: "mem", for: thread)
        }
        await #expect(throws: AgentwsError.self) { _ = try await service.checkModel("m9", for: thread) }
        #expect(try await service.checkModel("m1", for: thread) == .init(provider: "restarting", model: "m1"))
        #expect(store.writeCount == writes)
    }

    @Test func checkModelOnAnUnboundThreadResolvesWithoutBinding() async throws {
        let service = service()
        let thread = try ThreadID("fresh")
        #expect(try await service.checkModel(nil, for: thread) == .init(provider: "mem", model: "m1"))
        #expect(
            try await service.checkModel("m2", provider: "other", for: thread)
                == .init(provider: "other", model: "m2"))
        #expect(try binding("fresh") == nil)
        #expect(store.writeCount == 0)
    }

    @Test func stopAllInterruptsRunningTurnsAndKeepsCursors() async throws {
        let service = service(.resident)
        _ = try await send(service, "t1", "one")
        _ = try await send(service, "t2", "one")
        backend.holdTurns(true)
        let log = EventLog()
        async let turn = service.send(
            SendRequest(thread: try ThreadID("t1"), text: "slow"), events: log.handler)
        while backend.state.withLock({ $0.hold.isEmpty }) { await Task.yield() }
        let failures = await service.stopAll(cause: .shutdown)
        #expect(failures.isEmpty)
        #expect(try await turn.stopReason == .cancelled)
        for thread in ["t1", "t2"] {
            let saved = try #require(try binding(thread))
            #expect(try await service.show(try ThreadID(thread)).state == .stopped)
            #expect(saved.resumeCursor != nil)
            #expect(store.readRuntime(try ThreadID(thread))?.lastStopCause == .shutdown)
        }
        #expect(await service.liveThreads.isEmpty)
    }
}
