import AgentwsCore
import AgentwsJSON
import AgentwsTestSupport
import Testing

/// Capture and restore of transcripts (SPEC §11) in the session logic, against memory: which stops
/// capture, when nothing is written, and when a held transcript restores a lost conversation.
@Suite("Transcripts in the session service")
struct TranscriptSessionTests {
    let store = InMemoryThreadStore(processID: 4242)
    let backend = MemoryBackend()
    let transcripts = InMemoryTranscriptStore()
    let clock = ManualClock()

    func service(
        _ residency: SessionService.Residency = .oneShot, exports: Bool = true, replaces: Bool = true,
        _ change: (inout Configuration) -> Void = { _ in }
    ) -> SessionService {
        var configuration = Configuration.defaults
        configuration.models.defaultModel = "mem/m1"
        configuration.providers = ["mem": .init(plugin: "mem"), "restarting": .init(plugin: "mem")]
        change(&configuration)
        let resolver = MemoryResolver(providers: [
            "mem": MemoryProvider(
                name: "mem", backend: backend, canTranscripts: exports, canReplace: replaces,
                files: transcripts),
            "restarting": MemoryProvider(
                name: "restarting", backend: backend, modelSwitch: .restart, canTranscripts: exports,
                files: transcripts),
        ])
        let clock = clock
        return SessionService(
            store: store, providers: resolver, configuration: configuration, workspaceRoot: "/ws",
            residency: residency, clock: clock, wallClock: { clock.wall }, transcripts: transcripts)
    }

    @discardableResult
    func send(_ service: SessionService, _ thread: String, _ text: String, model: String? = nil)
        async throws -> (SendResult, EventLog)
    {
        let log = EventLog()
        let result = try await service.send(
            SendRequest(thread: try ThreadID(thread), text: text, model: model), events: log.handler)
        return (result, log)
    }

    func held(_ thread: String) throws -> String? {
        try transcripts.readHeld(try ThreadID(thread)).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test func everyStopCauseCapturesTheConversation() async throws {
        // exit: the end of a one-shot send.
        let oneShot = service()
        try await send(oneShot, "exit", "one")
        #expect(try held("exit") == "conv-1 1")

        // explicit, idle, shutdown, changed: a resident service.
        let resident = service(.resident) { $0.reaper.idleTimeout = .minutes(1) }
        try await send(resident, "explicit", "one")
        try await resident.stop(try ThreadID("explicit"))
        #expect(try held("explicit") == "conv-2 1")

        try await send(resident, "idle", "one")
        clock.advance(.seconds(120))
        _ = await resident.reap()
        #expect(try held("idle") == "conv-3 1")

        try await send(resident, "shutdown", "one")
        try await send(resident, "shutdown", "two")
        _ = await resident.stopAll(cause: .shutdown)
        #expect(try held("shutdown") == "conv-4 2")

        // changed: the file changed underneath (a hand edit of the model); same cursor, so captured.
        try await send(resident, "changed", "one")
        var edited = try #require(try store.readBinding(try ThreadID("changed")))
        edited.model = "m2"
        store.seed(edited)
        try await send(resident, "changed", "two")
        #expect(try held("changed") == "conv-5 1")
        #expect(store.readRuntime(try ThreadID("changed"))?.lastStopCause != nil)
        _ = await resident.stopAll(cause: .shutdown)

        // model-change: the old conversation is captured before its cursor is dropped.
        let restarting = service(.resident)
        try await send(restarting, "switch", "one", model: "restarting/m1")
        try await send(restarting, "switch", "two", model: "restarting/m2")
        let switched = try #require(try transcripts.manifest(of: try ThreadID("switch")))
        #expect(switched.cursor == ["conversation": "conv-6"])
        _ = await restarting.stopAll(cause: .shutdown)
        #expect(store.scratchFilesLeft.isEmpty)
    }

    @Test func aStopAfterATurnThatAddedNothingWritesNothing() async throws {
        let service = service()
        try await send(service, "t1", "one")
        let writes = transcripts.installCount
        let first = try #require(try transcripts.manifest(of: try ThreadID("t1")))
        // A turn that fails adds nothing to the conversation; its session ends (cause failure) and
        // the capture finds the transcript it already holds.
        clock.advance(.seconds(600))
        await #expect(throws: ProviderError.self) { try await send(service, "t1", "fail") }
        #expect(transcripts.installCount == writes)
        #expect(try transcripts.manifest(of: try ThreadID("t1")) == first)
        clock.advance(.seconds(600))
        try await send(service, "t1", "two")
        #expect(transcripts.installCount == writes + 1)
        let second = try #require(try transcripts.manifest(of: try ThreadID("t1")))
        #expect(second.sha256 != first.sha256 && second.capturedAt > first.capturedAt)
    }

    /// The unchanged check hashes only the export and compares the held file's bytes with it, so a
    /// held file damaged without a change of size (which its manifest's hash would catch) is not
    /// taken for the unchanged transcript: the capture writes the export again.
    @Test func anUnchangedCaptureOverADamagedHeldFileRewritesIt() async throws {
        let service = service()
        try await send(service, "t1", "one")
        let thread = try ThreadID("t1")
        let whole = try #require(try transcripts.readHeld(thread))
        var damaged = whole.bytes
        damaged[damaged.count / 2] ^= 0x20
        transcripts.damageHeld(thread, damaged)
        #expect(throws: TranscriptProblem.self) { try transcripts.readHeld(thread) }
        let writes = transcripts.installCount
        await #expect(throws: ProviderError.self) { try await send(service, "t1", "fail") }
        #expect(transcripts.installCount == writes + 1)
        let repaired = try #require(try transcripts.readHeld(thread))
        #expect(repaired.bytes == whole.bytes && repaired.manifest.sameContent(as: whole.manifest))
    }

    @Test func modeOffAndProvidersWithoutExportCaptureNothingAndSaySo() async throws {
        let off = service { $0.transcripts.mode = .off }
        try await send(off, "t1", "one")
        #expect(try transcripts.manifest(of: try ThreadID("t1")) == nil)
        #expect(store.readRuntime(try ThreadID("t1"))?.transcriptNote == "transcripts.mode is off")

        let noExport = service(exports: false)
        let (_, log) = try await send(noExport, "t2", "one")
        #expect(try transcripts.manifest(of: try ThreadID("t2")) == nil)
        #expect(log.warnings.isEmpty)
        #expect(store.readRuntime(try ThreadID("t2"))?.transcriptNote?.contains("cannot export") == true)
    }

    @Test func overMaxSizeWarnsAndKeepsTheHeldTranscript() async throws {
        let service = service { $0.transcripts.maxSize = ConfigByteSize(bytes: 64) }
        try await send(service, "t1", "one")
        let before = try #require(try held("t1"))
        backend.state.withLock { $0.exportPadding = String(repeating: "x", count: 100) }
        let (_, log) = try await send(service, "t1", "two")
        #expect(log.warnings.count == 1 && log.warnings[0].contains("over transcripts.max_size (64B)"))
        #expect(try held("t1") == before)
        #expect(store.readRuntime(try ThreadID("t1"))?.transcriptNote?.contains("max_size") == true)
    }

    @Test func aLostConversationIsRestoredFromItsTranscript() async throws {
        let service = service()
        try await send(service, "t1", "one")
        try await send(service, "t1", "two")
        backend.forget("conv-1")
        let (result, log) = try await send(service, "t1", "three")
        #expect(result.start == .restored)
        #expect(log.text.hasPrefix("turn 3"))
        #expect(log.all.contains(.notice("resumed from the workspace transcript (captured \(clock.wall))")))
        #expect(try store.readBinding(try ThreadID("t1"))?.resumeCursor == ["conversation": "conv-1"])
    }

    @Test func anImportUnderAnotherCursorUpdatesTheBindingAndTheManifest() async throws {
        let service = service()
        try await send(service, "t1", "one")
        backend.forget("conv-1")
        backend.state.withLock { $0.importUnderNewID = true }
        let (result, log) = try await send(service, "t1", "two")
        #expect(result.start == .restored && log.text.hasPrefix("turn 2"))
        #expect(try store.readBinding(try ThreadID("t1"))?.resumeCursor == ["conversation": "conv-2"])
        // The transcript captured at the end of the send is the restored conversation's.
        #expect(try transcripts.manifest(of: try ThreadID("t1"))?.cursor == ["conversation": "conv-2"])
        #expect(try held("t1") == "conv-2 2")
    }

    @Test func aTranscriptOfAnotherCursorOrWithABadHashIsNeverUsed() async throws {
        let service = service()
        try await send(service, "t1", "one")
        let thread = try ThreadID("t1")
        var manifest = try #require(try transcripts.manifest(of: thread))
        manifest.cursor = ["conversation": "conv-99"]
        try transcripts.writeManifest(manifest)
        backend.forget("conv-1")
        await #expect {
            try await send(service, "t1", "two")
        } throws: { error in
            let message = (error as? ProviderError)?.message ?? ""
            return message.contains("cannot resume thread t1")
                && message.contains(#"belongs to cursor {"conversation":"conv-99"}, not to this one"#)
        }
        #expect(backend.state.withLock { $0.imports } == 0)

        manifest.cursor = ["conversation": "conv-1"]
        try transcripts.writeManifest(manifest)
        transcripts.damageHeld(thread, Array("conv-1 9".utf8))
        await #expect {
            try await send(service, "t1", "two")
        } throws: { error in
            ((error as? ProviderError)?.message ?? "").contains("SHA-256")
        }
        #expect(backend.state.withLock { $0.imports } == 0)
        #expect(try store.readBinding(thread)?.resumeCursor == ["conversation": "conv-1"])
    }

    /// Another machine's capture of the same conversation, as a pull would bring it: `<id> <turns>`
    /// under the same provider and cursor, captured at the current time.
    func pullTranscript(_ thread: String, conversation: String, turns: Int) throws -> TranscriptManifest {
        let bytes = Array("\(conversation) \(turns)".utf8)
        let manifest = TranscriptManifest(
            thread: try ThreadID(thread), provider: "mem", format: "memory",
            cursor: ["conversation": .string(conversation)], size: Int64(bytes.count),
            sha256: SHA256.hex(of: bytes), capturedAt: clock.wall)
        try transcripts.install(bytes, manifest: manifest)
        return manifest
    }

    func knownHash(_ thread: String) throws -> String? {
        store.readRuntime(try ThreadID(thread))?.knownTranscriptSHA256
    }

    @Test func capturesRestoresAndImportsRememberTheTranscriptThisMachineHas() async throws {
        let service = service()
        try await send(service, "t1", "one")
        let first = try #require(try transcripts.manifest(of: try ThreadID("t1")))
        #expect(try knownHash("t1") == first.sha256)
        // A capture that finds the transcript unchanged keeps it.
        await #expect(throws: ProviderError.self) { try await send(service, "t1", "fail") }
        #expect(try knownHash("t1") == first.sha256)
        // A restore remembers what it imported (then the stop captures the new turn).
        backend.forget("conv-1")
        clock.advance(.seconds(60))
        let other = try pullTranscript("t1", conversation: "conv-1", turns: 5)
        let (result, log) = try await send(service, "t1", "again")
        #expect(result.start == .restored && log.text.hasPrefix("turn 6"))
        #expect(try knownHash("t1") != other.sha256)
        #expect(try knownHash("t1") == transcripts.manifest(of: try ThreadID("t1"))?.sha256)
    }

    @Test func aNewerWorkspaceTranscriptOfTheSameCursorIsAdoptedBeforeTheResume() async throws {
        let service = service()
        try await send(service, "t1", "one")
        try await send(service, "t1", "two")
        // Another machine went on to turn 3 and its capture arrived; this machine's copy is at turn 2.
        clock.advance(.seconds(600))
        let pulled = try pullTranscript("t1", conversation: "conv-1", turns: 3)
        let bindingBefore = try store.readBinding(try ThreadID("t1"))
        let (result, log) = try await send(service, "t1", "four")
        #expect(result.start == .restored)
        #expect(log.text.hasPrefix("turn 4"))
        #expect(
            log.all.contains(
                .notice(
                    "resumed from the workspace transcript (captured \(pulled.capturedAt)), newer than this machine's copy"
                )))
        #expect(log.warnings.isEmpty)
        #expect(backend.state.withLock { $0.replaces } == 1)
        #expect(try store.readBinding(try ThreadID("t1")) == bindingBefore)
        // The stop captured the adopted conversation plus this turn.
        #expect(try held("t1") == "conv-1 4")
        #expect(try knownHash("t1") == transcripts.manifest(of: try ThreadID("t1"))?.sha256)

        // The same hash again: nothing adopted, a plain resume.
        let (again, againLog) = try await send(service, "t1", "five")
        #expect(again.start == .resumed && againLog.text.hasPrefix("turn 5"))
        #expect(backend.state.withLock { $0.replaces } == 1)
    }

    @Test func withoutAKnownHashThereIsNoEvidenceAndTheResumeUsesThisMachinesCopy() async throws {
        let service = service()
        try await send(service, "t1", "one")
        try await send(service, "t1", "two")
        var record = try #require(store.readRuntime(try ThreadID("t1")))
        record.knownTranscriptSHA256 = nil
        try store.writeRuntime(record, for: try ThreadID("t1"))
        _ = try pullTranscript("t1", conversation: "conv-1", turns: 7)
        let (result, log) = try await send(service, "t1", "three")
        #expect(result.start == .resumed && log.text.hasPrefix("turn 3"))
        #expect(log.warnings.isEmpty)
        #expect(backend.state.withLock { $0.replaces } == 0)
    }

    @Test func aProviderThatCannotReplaceGoesOnWithItsCopyAndSaysTheConversationSplit() async throws {
        let service = service(replaces: false)
        try await send(service, "t1", "one")
        try await send(service, "t1", "two")
        clock.advance(.seconds(600))
        let pulled = try pullTranscript("t1", conversation: "conv-1", turns: 5)
        let (result, log) = try await send(service, "t1", "three")
        #expect(result.start == .resumed && log.text.hasPrefix("turn 3"))
        #expect(
            log.warnings == [
                "thread t1: the workspace transcript (captured \(pulled.capturedAt)) is newer than this machine's copy of the mem conversation, but provider 'mem' cannot replace its copy of a conversation: the conversation has split. This machine's copy continues; the next stop captures it over the workspace transcript (git keeps the other in its history)."
            ])
        #expect(backend.state.withLock { $0.replaces + $0.imports } == 0)
        // As the warning says: this machine's copy was captured over the pulled transcript.
        #expect(try held("t1") == "conv-1 3")
        #expect(try transcripts.manifest(of: try ThreadID("t1"))?.sha256 != pulled.sha256)
    }

    @Test func aNewerTranscriptOfAnotherCursorIsNeverAdopted() async throws {
        let service = service()
        try await send(service, "t1", "one")
        try await send(service, "t2", "one")  // conv-2 exists here too
        // The workspace transcript of t1 names another conversation (a reset elsewhere, a new cursor).
        _ = try pullTranscript("t1", conversation: "conv-2", turns: 9)
        let (result, log) = try await send(service, "t1", "two")
        #expect(result.start == .resumed && log.text.hasPrefix("turn 2"))
        #expect(log.warnings.isEmpty)
        #expect(backend.state.withLock { $0.replaces } == 0)
        #expect(backend.turns(of: "conv-2") == 1)
    }

    @Test func resetAndUnbindForgetTheTranscript() async throws {
        let service = service()
        try await send(service, "t1", "one")
        try await send(service, "t2", "one")
        try await service.reset(try ThreadID("t1"))
        try await service.unbind(try ThreadID("t2"))
        #expect(try transcripts.manifest(of: try ThreadID("t1")) == nil)
        #expect(try transcripts.manifest(of: try ThreadID("t2")) == nil)
    }
}
