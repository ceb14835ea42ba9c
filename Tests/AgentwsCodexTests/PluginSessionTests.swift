import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Logging
import Testing

extension CodexAppServerTests {
    /// The plugin through the loader and `PluginProvider`, as a daemon would hold it: a session that
    /// stays live between calls, so busy state, a second turn and interrupt can be watched.
    @Suite("plugin session")
    struct PluginSessionTests {
        /// The provider; its shared codex ends as soon as its last session stops, unless `options`
        /// say otherwise.
        private func provider(_ codex: CodexWorkspace, options: [String: JSONValue] = [:]) throws
            -> PluginProvider
        {
            var options = options
            if options["process_linger_ms"] == nil { options["process_linger_ms"] = 0 }
            return try codex.pluginProvider(options: options)
        }

        @Test func busyWhileATurnRunsOneTurnAtATimeAndInterrupt() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try provider(codex)
            #expect(
                try await provider.describe()
                    == ProviderCapabilities(
                        modelSwitch: .inSession, models: nil, canResume: true, canExport: true,
                        canImport: true,
                        canFork: true, canReplace: true, transcriptFormat: "codex-rollout-jsonl"))
            let events = Events()
            let session = try await provider.start(
                .of(cwd: codex.workspace, model: "mock-model"), events: events.handler)
            let thread = try #require(session.cursor?["threadId"]?.stringValue)
            // Codex would fold a second message into the running turn; the plugin refuses it instead.
            try await checkOneTurnAtATime(session, events: events)
            // An interrupt with no turn running is nothing to do.
            try await session.interrupt()

            let next = try await session.send(TurnRequest(text: "still here"))
            #expect(next.stopReason == .endTurn)
            // Tokens from codex's thread/tokenUsage/updated (the mock reports usage with each response).
            let usage = try #require(next.usage)
            let input = try #require(usage.inputTokens)
            let output = try #require(usage.outputTokens)
            #expect(input > 0 && output > 0 && usage.totalTokens == input + output, "\(usage)")
            #expect(events.text.hasSuffix("mock#2: still here"))
            #expect(events.notices.contains { $0.contains("Model metadata for `mock-model` not found") })
            try await session.stop()
            #expect(codex.codexGone())

            // The same conversation from a new session, as after a daemon restart.
            let resumedEvents = Events()
            let resumed = try await provider.start(
                .of(cwd: codex.workspace, resumeCursor: ["threadId": .string(thread)]),
                events: resumedEvents.handler)
            #expect(resumed.cursor == ["threadId": .string(thread)])
            #expect(try await resumed.send(TurnRequest(text: "third")).stopReason == .endTurn)
            #expect(resumedEvents.text == "mock#3: third")
            try await resumed.stop()
            #expect(codex.codexGone())
        }

        @Test func stoppingDuringATurnEndsItAsCancelled() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try provider(codex)
            let events = Events()
            let session = try await provider.start(
                .of(cwd: codex.workspace, model: "mock-model"), events: events.handler)
            let held = Task { try await session.send(TurnRequest(text: "cut me off [[hold]]")) }
            try await waitUntil("the first piece of the reply; events: \(events.all)") {
                events.text.hasPrefix("mock#1:")
            }
            try await session.stop()
            #expect(try await held.value.stopReason == .cancelled)
            #expect(codex.codexGone())
        }
    }
}
