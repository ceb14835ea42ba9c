import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsTestSupport
import Foundation
import Testing

extension ClaudeCodeTests {
    /// The plugin through the loader and `PluginProvider`, as a daemon would hold it: a session that
    /// stays live between calls, so busy state, interrupts, model switches and tool events can be
    /// watched in one claude process.
    @Suite("plugin session")
    struct PluginSessionTests {
        private func start(
            _ provider: PluginProvider, _ claude: ClaudeWorkspace, events: Events, runtimeMode: String? = nil,
            cursor: JSONValue? = nil
        ) async throws -> any ProviderSession {
            try await provider.start(
                .of(
                    cwd: claude.workspace, model: "mock-model", runtimeMode: runtimeMode, resumeCursor: cursor
                ),
                events: events.handler)
        }

        @Test func interruptCancelsTheTurnAndTheSameProcessTakesTheNext() async throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let provider = try claude.provider()
            let events = Events()
            let session = try await start(provider, claude, events: events)
            let id = try #require(session.cursor?["sessionId"]?.stringValue)
            let pid = try claude.runningAgent()
            try await checkOneTurnAtATime(session, events: events)

            let next = try await session.send(TurnRequest(text: "still here"))
            #expect(next.stopReason == .endTurn)
            #expect(events.text.hasSuffix("mock#2: still here"), "\(events.text)")
            #expect(try claude.runningAgent() == pid, "the interrupt ended claude")
            try await session.stop()
            #expect(claude.agentsGone())

            // The same conversation from a new session, as after a daemon restart.
            let resumedEvents = Events()
            let resumed = try await start(
                provider, claude, events: resumedEvents, cursor: ["sessionId": .string(id)])
            #expect(resumed.cursor == ["sessionId": .string(id)])
            #expect(try await resumed.send(TurnRequest(text: "third")).stopReason == .endTurn)
            #expect(resumedEvents.text == "mock#3: third")
            try await resumed.stop()
            #expect(claude.agentsGone())
        }

        /// Claude's `total_cost_usd` runs over the whole process; each turn must report its own cost.
        @Test func eachTurnReportsItsOwnTokensAndCost() async throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let provider = try claude.provider()
            let session = try await start(provider, claude, events: Events())
            let first = try #require(try await session.send(TurnRequest(text: "one")).usage)
            let second = try #require(try await session.send(TurnRequest(text: "two")).usage)
            for usage in [first, second] {
                let input = try #require(usage.inputTokens)
                let output = try #require(usage.outputTokens)
                #expect(input > 0 && output > 0 && usage.totalTokens == input + output, "\(usage)")
                #expect(usage.cost?.currency == "USD" && (usage.cost?.amount ?? 0) > 0, "\(usage)")
            }
            // The second request carries the first exchange too, so it costs a little more than the
            // first — but nowhere near the running total of both, which is what claude reports.
            let firstCost = try #require(first.cost?.amount)
            let secondCost = try #require(second.cost?.amount)
            #expect(secondCost >= firstCost && secondCost < firstCost * 1.5, "\(first) then \(second)")
            try await session.stop()
        }

        @Test func theModelChangesInsideTheSession() async throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let provider = try claude.provider(options: ["models": ["mock-model", "other-model"]])
            #expect(
                try await provider.describe()
                    == ProviderCapabilities(
                        modelSwitch: .inSession, models: ["mock-model", "other-model"], canResume: true,
                        canExport: true, canImport: true, canFork: true, canReplace: true,
                        transcriptFormat: "claude-jsonl"))
            let events = Events()
            let session = try await start(provider, claude, events: events)
            let pid = try claude.runningAgent()
            #expect(try await session.send(TurnRequest(text: "one")).stopReason == .endTurn)
            let switched = try await session.send(TurnRequest(text: "two", model: "other-model"))
            #expect(switched.stopReason == .endTurn)
            #expect(events.text == "mock#1: onemock#2: two")
            let models = try claude.turnRequests().map { $0["body"]?["model"]?.stringValue }
            #expect(models == ["mock-model", "other-model"])
            #expect(try claude.runningAgent() == pid, "the switch restarted claude")
            try await session.stop()
        }

        @Test func toolUsesAreToolEventsAndPermissionsFollowTheMode() async throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let provider = try claude.provider()
            let events = Events()
            let session = try await start(provider, claude, events: events, runtimeMode: "default")

            // `echo` needs no permission: Claude runs it, and the result comes back as an update.
            let echoed = try await session.send(TurnRequest(text: "look [[bash:echo hi-from-tool]]"))
            #expect(echoed.stopReason == .endTurn)
            let calls = events.toolCalls
            try #require(calls.count == 2, "\(events.all)")
            #expect(calls[0]["title"] == "echo hi-from-tool")
            #expect(calls[0]["kind"] == "execute")
            #expect(calls[0]["status"] == "in_progress")
            #expect(calls[1]["id"] == calls[0]["id"])
            #expect(calls[1]["status"] == "completed")
            #expect(calls[1]["output"] == "hi-from-tool")
            #expect(events.text.hasSuffix("mock#1: tool output: hi-from-tool"), "\(events.text)")

            // `touch` needs a permission, which runtime mode `default` denies (agentws cannot ask).
            let touched = try await session.send(TurnRequest(text: "make it [[bash:touch made-by-tool]]"))
            #expect(touched.stopReason == .endTurn)
            #expect(!FileManager.default.fileExists(atPath: claude.workspace + "/made-by-tool"))
            #expect(
                events.notices.contains {
                    $0.hasPrefix("denied claude's request to run `touch made-by-tool`")
                },
                "\(events.notices)")
            #expect(events.toolCalls.last?["status"] == "failed")
            try await session.stop()
            #expect(claude.agentsGone())
        }
    }
}
