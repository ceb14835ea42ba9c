import AgentwsCore
import AgentwsJSON
import Logging
import Testing

@testable import AgentwsPlugins

/// A plugin that emits events and completes calls from threads of its own. Run under Thread
/// Sanitizer by scripts/tsan.
@Suite struct ThreadedPluginTests {
    private let directory: PluginDirectory
    private let workspace: PluginDirectory
    private let plugin: LoadedPlugin
    private let logs = LogRecorder()
    private let provider: PluginProvider

    init() throws {
        directory = try PluginDirectory()
        workspace = try PluginDirectory()
        try FixtureCompiler.build(threadedPluginSource, into: directory.file("threaded.so"))
        plugin = try #require(
            PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path]))
                .plugin(named: "threaded"))
        provider = try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: "threads", options: [:], workspace: workspace.path),
            logger: logs.logger())
    }

    private func start(_ events: EventRecorder, thread: String = "t1", resume: JSONValue? = nil) async throws
        -> any ProviderSession
    {
        try await provider.start(
            SessionStartRequest(
                thread: try ThreadID(thread), cwd: workspace.path, model: nil, runtimeMode: nil,
                resumeCursor: resume),
            events: events.handler)
    }

    @Test func eventsAndCompletionsFromAnotherThread() async throws {
        let events = EventRecorder()
        let session = try await start(events)
        // Emitted before start completed, so before the host knew the session id.
        #expect(events.recorded == [.notice("starting t1")])
        #expect(session.cursor == ["n": 1])

        #expect(try await session.send(TurnRequest(text: "hello")) == TurnOutcome(stopReason: .endTurn))
        #expect(
            events.recorded == [
                .notice("starting t1"), .busy(true), .text("thread says: hello"),
                .toolCall(["id": "1", "status": "done"]),
                .other(["session": "t1", "type": "plan", "steps": 2]), .busy(false),
            ])

        let changed = try await session.send(TurnRequest(text: "new-cursor"))
        #expect(changed.cursor == ["n": 99])
        #expect(session.cursor == ["n": 99])
        #expect(try await session.send(TurnRequest(text: "new-cursor")).cursor == nil)
        try await session.interrupt()
        try await session.stop()
    }

    @Test func eachSessionGetsItsOwnEvents() async throws {
        let first = EventRecorder()
        let second = EventRecorder()
        let one = try await start(first, thread: "one")
        let two = try await start(second, thread: "two")
        async let a = one.send(TurnRequest(text: "to one"))
        async let b = two.send(TurnRequest(text: "to two"))
        _ = try await (a, b)
        #expect(
            first.recorded.filter { if case .text = $0 { true } else { false } } == [
                .text("thread says: to one")
            ])
        #expect(
            second.recorded.filter { if case .text = $0 { true } else { false } } == [
                .text("thread says: to two")
            ])
        try await one.stop()
        try await two.stop()
    }

    @Test func secondCompletionIsIgnoredAndLogged() async throws {
        let session = try await start(EventRecorder())
        // The fixture answers status twice before call() returns: busy true, then busy false.
        #expect(try await session.isBusy() == true)
        #expect(
            logs.recorded.contains(
                "error: plugin threaded (\(directory.file("threaded.so"))) status: the plugin completed "
                    + "this call a second time; ignored"))
        #expect(try await session.send(TurnRequest(text: "still fine")).stopReason == .endTurn)
        try await session.stop()
    }

    @Test func malformedRepliesNameThePlugin() async throws {
        let session = try await start(EventRecorder())
        let label = "plugin threaded (\(directory.file("threaded.so")))"
        var syntaxError = ""
        do { _ = try JSONParser.parse("{\"stopReason\":") } catch { syntaxError = "\(error)" }
        await #expect(
            throws: ProviderError(
                .providerFailed, "\(label): send answered with invalid JSON (\(syntaxError))")
        ) {
            _ = try await session.send(TurnRequest(text: "bad-json"))
        }
        await #expect(
            throws: ProviderError(
                .providerFailed, "\(label): send result.stopReason: missing, expected a string in {}")
        ) {
            _ = try await session.send(TurnRequest(text: "no-stop-reason"))
        }
        await #expect(
            throws: ProviderError(
                .providerFailed, "\(label): send failed with unknown error code \"weird\": strange things")
        ) {
            _ = try await session.send(TurnRequest(text: "bad-code"))
        }
        await #expect(throws: ProviderError(.providerFailed, "threads: the model is tired")) {
            _ = try await session.send(TurnRequest(text: "fail"))
        }
        try await session.stop()
    }

    @Test func aResumeAnsweredWithAFreshConversationFails() async throws {
        let events = EventRecorder()
        await #expect(
            throws: ProviderError(
                .resumeFailed,
                "threads: plugin threaded (\(directory.file("threaded.so"))) started a fresh conversation "
                    + "instead of resuming {\"n\":7}")
        ) {
            _ = try await start(events, resume: ["n": 7])
        }
    }
}
