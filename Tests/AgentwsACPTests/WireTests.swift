import AgentwsACP
import AgentwsCore
import AgentwsJSON
import Testing

@Suite("ACP: what crosses the wire")
struct WireTests {
    @Test func threadReportsSurviveTheirJSON() throws {
        let binding = Binding(
            threadID: try ThreadID("t1"), provider: "echo", model: "echo-1",
            resumeCursor: ["conversation": "abc"], cwd: "src",
            createdAt: UTCDateTime(secondsSinceEpoch: 1_796_086_944))
        let runtime = RuntimeRecord(
            ownerPID: 12, lastError: "it failed here", lastStopCause: .idle,
            lastStoppedAt: UTCDateTime(secondsSinceEpoch: 5))
        for liveness: ThreadStatus.Liveness in [
            .none, .live(idle: .milliseconds(1500), turnRunning: true, providerBusy: false),
            .ownedElsewhere(pid: 9),
            .ownedElsewhere(pid: nil), .orphaned,
        ] {
            let report = ThreadReport(
                ThreadStatus(thread: "t1", listing: .binding(binding), runtime: runtime, liveness: liveness))
            let decoded = try ThreadReport(json: try JSONParser.parse(bytes: JSONWriter.compact(report.json)))
            #expect(decoded == report)
        }
        let unreadable = ThreadReport(
            ThreadStatus(
                thread: "bad",
                listing: .unreadable(
                    thread: "bad",
                    error: BindingFileError(
                        path: "/ws/.agentws/bindings/bad.json",
                        problem: .mergeConflict(line: 3, thread: try ThreadID("bad")))),
                runtime: nil, liveness: .none))
        let decoded = try ThreadReport(json: unreadable.json)
        #expect(
            decoded.binding == nil && decoded.error == unreadable.error
                && decoded.error?.contains("bad.json") == true)
    }

    @Test func reapReportsSurviveTheirJSON() throws {
        var report = ReapReport(dryRun: false)
        report.decisions = [
            ReapDecision(
                thread: try ThreadID("a"), provider: "echo", verdict: .stop, idle: .milliseconds(1234),
                timeout: .seconds(1)),
            ReapDecision(
                thread: try ThreadID("b"), provider: "echo", verdict: .keepTurnRunning,
                idle: .milliseconds(5),
                timeout: .minutes(30)),
        ]
        report.stopped = [try ThreadID("a")]
        report.recovered = [try ThreadID("c")]
        report.failures = [try ThreadID("d"): "stop refused"]
        report.unreadable = ["e": "merge conflict"]
        #expect(try ReapReportJSON.decode(ReapReportJSON.encode(report)) == report)
    }

    @Test func sessionEventsSurviveTheirJSONAndUnknownOnesAreSkipped() throws {
        let events: [SessionEvent] = [
            .sessionReady(thread: try ThreadID("t1"), provider: "echo", model: nil, start: .replaced),
            .text("hi "), .toolCall(["id": "x"]), .notice("note"), .warning("careful"),
            .providerEvent(["type": "custom"]), .turnFinished(.maxTokens, usage: nil),
            .turnFinished(
                .endTurn,
                usage: TurnUsage(
                    inputTokens: 1, outputTokens: 2, totalTokens: 3, thoughtTokens: 4, cachedReadTokens: 5,
                    cachedWriteTokens: 6, cost: .init(amount: 0.5, currency: "EUR"))),
        ]
        for event in events { #expect(SessionEventJSON.decode(SessionEventJSON.encode(event)) == event) }
        #expect(SessionEventJSON.decode(["type": "from-the-future"]) == nil)
        // A usage this build cannot read does not lose the end of the turn.
        #expect(
            SessionEventJSON.decode(["type": "turn_finished", "stopReason": "end_turn", "usage": "lots"])
                == .turnFinished(.endTurn, usage: nil))
    }

    @Test func errorsCarryTheCLIMessageAndExitCode() {
        let conflict = JSONRPCError(AgentwsError(.conflict, "thread t1 is busy"))
        #expect(
            conflict.message == "thread t1 is busy" && conflict.exitCode == 4
                && conflict.category == .conflict)
        #expect(JSONRPCError(json: conflict.json) == conflict)
        #expect(JSONRPCError(AgentwsError(.notFound, "gone")).code == -32002)
        #expect(JSONRPCError(CancellationError()).message == "cancelled")
        for category in [ErrorCategory.failure, .notFound, .conflict, .invalidData, .providerFailure, .usage]
        {
            #expect(ErrorCategory(exitCode: category.exitCode) == category)
        }
    }
}
