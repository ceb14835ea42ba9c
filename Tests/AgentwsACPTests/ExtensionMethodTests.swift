import AgentwsACP
import AgentwsCore
import AgentwsJSON
import Testing

@Suite("ACP: _agentws extension methods")
struct ExtensionMethodTests {
    @Test func sendForwardsItsEventsTaggedWithTheRequestID() async throws {
        let harness = AgentHarness()
        let (id, request) = harness.makeRequest(
            "_agentws/send", ["thread": "t1", "text": "hello", "cwd": "."])
        await harness.connection.handle(request)
        let (response, notifications) = harness.split(harness.takeSent(), id: id)
        let result = try #require(response["result"])
        #expect(
            result == [
                "thread": "t1", "provider": "script", "model": "m1", "start": "fresh",
                "stopReason": "end_turn", "usage": .null,
            ])
        #expect(
            notifications.allSatisfy {
                $0["method"] == "_agentws/event" && $0["params"]?["requestId"] == .integer(id)
            })
        let events = notifications.compactMap { $0["params"]?["event"] }.compactMap(SessionEventJSON.decode)
        #expect(
            events.first
                == .sessionReady(thread: try ThreadID("t1"), provider: "script", model: "m1", start: .fresh))
        #expect(events.last == .turnFinished(.endTurn, usage: nil))
        let text = events.compactMap { if case .text(let text) = $0 { return text } else { return nil } }
            .joined()
        #expect(text == "turn 1 (session model): hello")
        #expect(harness.backend.starts.map(\.model) == ["m1"])
    }

    @Test func forkAnswersWhatTheCLIPrintsAndShowReportsTheLineage() async throws {
        let harness = AgentHarness()
        _ = try await harness.result("_agentws/send", ["thread": "t1", "text": "one"])
        let forked = try await harness.result("_agentws/fork", ["thread": "t1", "newThread": "t2"])
        #expect(
            forked == [
                "thread": "t2", "parent": "t1", "provider": "script", "model": "m1",
                "method": "provider-fork",
            ])
        let source = try await harness.result("_agentws/show", ["thread": "t1"])
        #expect(source["thread"]?["lineage"] == ["parent": .null, "parentExists": .null, "children": ["t2"]])
        let fork = try await harness.result("_agentws/show", ["thread": "t2"])
        #expect(fork["thread"]?["lineage"] == ["parent": "t1", "parentExists": true, "children": []])
        let report = try ThreadReport(json: fork["thread"] ?? .null)
        #expect(report.parentExists == true && report.binding?.parent?.thread.rawValue == "t1")
        let again = try await harness.error("_agentws/fork", ["thread": "t1", "newThread": "t2"])
        #expect(again["data"]?["exitCode"] == 4)
    }

    @Test func aSendReportsTheTurnsUsageInItsResultAndItsLastEvent() async throws {
        let harness = AgentHarness()
        let (id, request) = harness.makeRequest(
            "_agentws/send", ["thread": "t1", "text": "metered turn", "cwd": "."])
        await harness.connection.handle(request)
        let (response, notifications) = harness.split(harness.takeSent(), id: id)
        let usage: JSONValue = [
            "inputTokens": 40, "outputTokens": 5, "cachedReadTokens": 30,
            "cost": ["amount": .double(0.0125), "currency": "USD"],
        ]
        #expect(response["result"]?["usage"] == usage)
        let events = notifications.compactMap { $0["params"]?["event"] }
        #expect(events.last == ["type": "turn_finished", "stopReason": "end_turn", "usage": usage])
        #expect(
            events.last.flatMap(SessionEventJSON.decode)
                == .turnFinished(
                    .endTurn,
                    usage: TurnUsage(
                        inputTokens: 40, outputTokens: 5, cachedReadTokens: 30,
                        cost: .init(amount: 0.0125, currency: "USD"))))
    }

    @Test func aSendWithoutAThreadCreatesOne() async throws {
        let harness = AgentHarness()
        let result = try await harness.result("_agentws/send", ["text": "hello"])
        let thread = try #require(result["thread"]?.stringValue)
        #expect(try harness.binding(thread)?.provider == "script")
        let absolute = try await harness.error("_agentws/send", ["text": "x", "cwd": "/etc"])
        #expect(absolute["code"] == -32602)
    }

    @Test func controlMethodsFailWithTheCLIMessagesAndExitCodes() async throws {
        let harness = AgentHarness()
        let stop = try await harness.error("_agentws/stop", ["thread": "nobody"])
        #expect(stop["data"]?["exitCode"] == 3)
        #expect(
            stop["message"]
                == "thread nobody has no binding (nothing to stop, reset or unbind); 'agentws list' shows the bound threads"
        )
        let interrupt = try await harness.error("_agentws/interrupt", ["thread": "nobody"])
        #expect(interrupt["data"]?["exitCode"] == 1)
        #expect(interrupt["message"]?.stringValue?.contains("no live session") == true)
        let invalid = try await harness.error("_agentws/show", ["thread": "../etc"])
        #expect(invalid["data"]?["exitCode"] == 64)
    }

    @Test func stopResetUnbindListShowAndReap() async throws {
        let harness = AgentHarness()
        _ = try await harness.result("_agentws/send", ["thread": "t1", "text": "one"])
        let listed = try await harness.result("_agentws/list")
        let report = try ThreadReport(json: try #require(listed["threads"]?.arrayValue?.first))
        #expect(report.state == .live && report.binding != nil)
        guard case .live(_, let turnRunning, _) = report.liveness else {
            Issue.record("not live: \(report.liveness)")
            return
        }
        #expect(!turnRunning)

        let reap = try ReapReportJSON.decode(try await harness.result("_agentws/reap", ["dryRun": true]))
        let t1 = try ThreadID("t1")
        #expect(reap.dryRun && reap.decisions.map(\.thread) == [t1])
        #expect(reap.decisions.first?.verdict == .keepWithinTimeout)

        #expect(try await harness.result("_agentws/stop", ["thread": "t1"]) == ["thread": "t1"])
        let shown = try ThreadReport(
            json: try #require(try await harness.result("_agentws/show", ["thread": "t1"])["thread"]))
        #expect(shown.state == .stopped && shown.runtime?.lastStopCause == .explicit)

        _ = try await harness.result("_agentws/reset", ["thread": "t1"])
        #expect(try harness.binding("t1")?.resumeCursor == nil)
        _ = try await harness.result("_agentws/unbind", ["thread": "t1"])
        #expect(try harness.binding("t1") == nil)
        #expect(try await harness.result("_agentws/providers") == ["providers": ["script"]])
    }
}
