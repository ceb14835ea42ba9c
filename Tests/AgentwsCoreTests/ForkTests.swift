import AgentwsCore
import AgentwsJSON
import AgentwsTestSupport
import Testing

/// `fork` (SPEC §12) and lineage against memory: the provider's fork, the export + import
/// fallback, refusals, and the lineage `list` / `show` / `list --tree` report.
@Suite("Forks and lineage")
struct ForkTests {
    let store = InMemoryThreadStore(processID: 4242)
    let backend = MemoryBackend()
    let clock = ManualClock()

    func service(_ residency: SessionService.Residency = .oneShot) -> SessionService {
        var configuration = Configuration.defaults
        configuration.models.defaultModel = "forking/m1"
        configuration.providers = [
            "forking": .init(plugin: "mem"), "copying": .init(plugin: "mem"), "plain": .init(plugin: "mem"),
            "refusing": .init(plugin: "mem"),
        ]
        let resolver = MemoryResolver(providers: [
            "forking": MemoryProvider(name: "forking", backend: backend, canFork: true),
            "copying": MemoryProvider(name: "copying", backend: backend, canTranscripts: true),
            "plain": MemoryProvider(name: "plain", backend: backend),
            "refusing": MemoryProvider(
                name: "refusing", backend: backend, canFork: true,
                forkUnsupportedReason: "the agent does not advertise sessionCapabilities.fork"),
        ])
        let clock = clock
        return SessionService(
            store: store, providers: resolver, configuration: configuration, workspaceRoot: "/ws",
            residency: residency, clock: clock, wallClock: { clock.wall })
    }

    func id(_ text: String) throws -> ThreadID { try ThreadID(text) }

    @discardableResult
    func send(_ service: SessionService, _ thread: String, _ text: String, provider: String? = nil)
        async throws -> String
    {
        let log = EventLog()
        _ = try await service.send(
            SendRequest(thread: try id(thread), text: text, provider: provider), events: log.handler)
        return log.text
    }

    func conflictMessage(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
        } catch let error as AgentwsError where error.category == .conflict {
            return error.description
        } catch {
            Issue.record("expected a conflict, got \(error)")
        }
        return nil
    }

    @Test func aProviderForkCopiesTheConversationAndBothGoOnIndependently() async throws {
        let service = service()
        try await send(service, "src", "one")
        try await send(service, "src", "two")
        let before = try store.readBinding(try id("src"))
        let writes = store.writeCount

        let result = try await service.fork(try id("src"), into: try id("copy"))
        #expect(result.method == .providerFork)
        let fork = try #require(try store.readBinding(try id("copy")))
        let source = try #require(before)
        #expect(fork.parent == Binding.Parent(thread: try id("src")))
        #expect(fork.provider == source.provider && fork.model == source.model && fork.cwd == source.cwd)
        #expect(fork.runtimeMode == source.runtimeMode)
        #expect(fork.resumeCursor != nil && fork.resumeCursor != source.resumeCursor)
        #expect(fork.createdAt == clock.wall)
        // The source is untouched: one write (the fork), and the same binding.
        #expect(try store.readBinding(try id("src")) == before)
        #expect(store.writeCount == writes + 1)

        #expect(try await send(service, "copy", "three on the fork").hasPrefix("turn 3"))
        #expect(try await send(service, "src", "three on the source").hasPrefix("turn 3"))
        #expect(try await send(service, "copy", "four on the fork").hasPrefix("turn 4"))
        #expect(store.leaseState(try id("copy")) == .free)
    }

    @Test func withoutAProviderForkTheTranscriptIsExportedAndImportedUnderANewCursor() async throws {
        let service = service()
        try await send(service, "src", "one", provider: "copying")
        let result = try await service.fork(try id("src"), into: try id("copy"))
        #expect(result.method == .transcript)
        let fork = try #require(try store.readBinding(try id("copy")))
        #expect(fork.resumeCursor != store.readBindingOrNil("src")?.resumeCursor)
        #expect(store.scratchFilesLeft.isEmpty)
        #expect(backend.state.withLock { $0.transcripts.count } == 1)
        #expect(try await send(service, "copy", "two").hasPrefix("turn 2"))
        #expect(try await send(service, "src", "two").hasPrefix("turn 2"))
    }

    @Test func aProviderThatCanNeitherForkNorCopyIsRefusedAsAConflictNamingWhy() async throws {
        let service = service()
        try await send(service, "src", "one", provider: "plain")
        let message = await conflictMessage {
            _ = try await service.fork(try id("src"), into: try id("copy"))
        }
        #expect(message?.contains("cannot fork thread src") == true)
        #expect(message?.contains("provider 'plain' does not offer fork") == true)
        #expect(try store.readBinding(try id("copy")) == nil)

        try await send(service, "other", "one", provider: "refusing")
        let refused = await conflictMessage {
            _ = try await service.fork(try id("other"), into: try id("copy"))
        }
        #expect(refused?.contains("does not advertise sessionCapabilities.fork") == true)
        #expect(try store.readBinding(try id("copy")) == nil)
    }

    @Test func aThreadWithoutAConversationForksIntoOneWithoutACursor() async throws {
        let service = service()
        try await send(service, "src", "one")
        try await service.reset(try id("src"))
        let result = try await service.fork(try id("src"), into: try id("copy"))
        #expect(result.method == .nothingToCopy)
        let fork = try #require(try store.readBinding(try id("copy")))
        let src = try id("src")
        #expect(fork.resumeCursor == nil && fork.parent?.thread == src)
        #expect(backend.state.withLock { $0.forks } == 0)
        #expect(try await send(service, "copy", "first").hasPrefix("turn 1"))
    }

    @Test func forkRefusesBoundTargetsItselfAndUnknownSources() async throws {
        let service = service()
        try await send(service, "src", "one")
        try await send(service, "taken", "one")
        let taken = try store.readBinding(try id("taken"))
        let message = await conflictMessage {
            _ = try await service.fork(try id("src"), into: try id("taken"))
        }
        #expect(message?.contains("thread taken exists already") == true)
        #expect(try store.readBinding(try id("taken")) == taken)
        await #expect(throws: AgentwsError.self) {
            _ = try await service.fork(try id("src"), into: try id("src"))
        }
        do {
            _ = try await service.fork(try id("nobody"))
            Issue.record("forking an unbound thread succeeded")
        } catch let error as AgentwsError {
            #expect(error.category == .notFound)
        }
        // Without an id, the fork gets a new one.
        let result = try await service.fork(try id("src"))
        let src = try id("src")
        #expect(result.thread != src && result.binding.parent?.thread == src)
    }

    @Test func aLiveSourceKeepsItsSessionWhileItIsForked() async throws {
        let service = service(.resident)
        try await send(service, "src", "one")
        let result = try await service.fork(try id("src"), into: try id("copy"))
        #expect(result.method == .providerFork)
        #expect(await service.liveThreads == [try id("src")])
        #expect(try await send(service, "src", "two").hasPrefix("turn 2"))
        #expect(backend.starts.count == 1)
        #expect(try await send(service, "copy", "two").hasPrefix("turn 2"))
        _ = await service.stopAll(cause: .shutdown)
    }

    @Test func listAndShowReportParentsAndChildren() async throws {
        let service = service()
        try await send(service, "src", "one")
        _ = try await service.fork(try id("src"), into: try id("a"))
        _ = try await service.fork(try id("a"), into: try id("b"))
        _ = try await service.fork(try id("src"), into: try id("c"))
        let shown = try await service.show(try id("src"))
        #expect(shown.children == ["a", "c"] && shown.parentExists == nil)
        let child = try await service.show(try id("b"))
        #expect(child.children.isEmpty && child.parentExists == true)
        try await service.unbind(try id("src"))
        let listed = try await service.list()
        #expect(listed.first { $0.thread == "a" }?.parentExists == false)
        #expect(listed.first { $0.thread == "a" }?.children == ["b"])
    }
}

@Suite("Lineage tree")
struct LineageTreeTests {
    func names(_ nodes: [ThreadLineage.Node]) -> [String] {
        nodes.flatMap { node -> [String] in
            let mark: String
            switch node.kind {
            case .thread: mark = ""
            case .missing: mark = "?"
            case .cycle: mark = "@"
            }
            return [node.thread + mark + "("] + names(node.children) + [")"]
        }
    }

    @Test func childrenGoUnderTheirParentsAndMissingParentsAreNodesOfTheirOwn() {
        let lineage = ThreadLineage(parents: [
            "root": String?.none, "a": "root", "b": "a", "c": "root", "orphan": "gone", "other": "gone",
        ])
        #expect(
            names(lineage.tree()) == [
                "gone?(", "orphan(", ")", "other(", ")", ")", "root(", "a(", "b(", ")", ")", "c(", ")", ")",
            ])
        #expect(lineage.children["root"] == ["a", "c"])
        #expect(!lineage.exists("gone") && lineage.exists("root"))
    }

    @Test func parentLoopsFromHandEditsEndAndEveryThreadIsDrawnOnce() {
        let lineage = ThreadLineage(parents: ["x": "y", "y": "z", "z": "x", "w": "w", "tail": "y"])
        let tree = lineage.tree()
        #expect(
            names(tree) == ["w(", "w@(", ")", ")", "x(", "z(", "y(", "tail(", ")", "x@(", ")", ")", ")", ")"])
    }
}

extension InMemoryThreadStore {
    func readBindingOrNil(_ thread: String) -> Binding? {
        (try? ThreadID(thread)).flatMap { try? readBinding($0) }
    }
}
