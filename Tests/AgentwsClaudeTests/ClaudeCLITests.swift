import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Testing

/// The claude plugin against the real Claude Code 2.1.332 and a loopback Messages API mock,
/// through the real `agentws` CLI (and, where the CLI cannot reach, through the plugin loader).
///
/// One test at a time: each starts claude processes (≈200 MB each) and a mock.
@Suite("claude code", .serialized)
struct ClaudeCodeTests {}

extension ClaudeCodeTests {
    /// SPEC §4: sessions resume the same Claude conversation in a new process.
    @Suite("through the CLI")
    struct CLITests {
        @Test func twoTurnsStopAndANewProcessResumesTheSameSession() throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let first = try claude.run("send", "--thread", "t1", "remember the word PELICAN")
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout == "mock#1: remember the word PELICAN\n")
            let session = try claude.sessionID("t1")
            #expect(try claude.binding("t1")["resumeCursor"] == ["sessionId": .string(session)])
            #expect(claude.agentsGone(), "the one-shot send left claude running: \(claude.agentProcesses())")

            let second = try claude.run("send", "--thread", "t1", "and the word HERON")
            #expect(second.status == 0, "\(second)")
            #expect(second.stdout == "mock#2: and the word HERON\n")
            #expect(try claude.run("stop", "t1").status == 0)
            let stopped = claude.bindingText("t1")
            #expect(try claude.shown("t1")["status"] == "stopped")

            let third = try claude.run("send", "--thread", "t1", "which words?")
            #expect(third.status == 0, "\(third)")
            // mock#3: the model saw three user messages, so the history came along.
            #expect(third.stdout == "mock#3: which words?\n")
            #expect(third.stderr.contains("resumed"), "\(third)")
            // The same conversation: the cursor, and so the file, did not change.
            #expect(claude.bindingText("t1") == stopped)
            let last = try #require(try claude.turnRequests().last)
            #expect(
                ClaudeWorkspace.userTexts(last)
                    == ["remember the word PELICAN", "and the word HERON", "which words?"])
            #expect(
                FileManager.default.fileExists(
                    atPath: ClaudeWorkspace.transcriptPath(
                        home: claude.claudeHome, cwd: claude.workspace, session: session)))
            // The API key went to claude and nowhere agentws writes.
            for file in [claude.bindingText("t1") ?? "", claude.stderrLog] {
                #expect(!file.contains(ClaudeWorkspace.apiKey))
            }
            #expect(claude.agentsGone())
        }

        /// `send --json` ends with the turn's tokens and its cost in dollars, as claude reported them.
        @Test func sendJSONEndsWithTheTurnsUsageAndCost() throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let sent = try claude.run("send", "--json", "--thread", "t1", "what does this cost?")
            #expect(sent.status == 0, "\(sent)")
            let last = try JSONParser.parse(String(sent.stdout.split(separator: "\n").last ?? ""))
            #expect(last["type"] == "turn_finished" && last["stopReason"] == "end_turn", "\(sent)")
            let usage = try #require(last["usage"], "\(sent)")
            let input = try #require(usage["inputTokens"]?.integerValue)
            let output = try #require(usage["outputTokens"]?.integerValue)
            #expect(
                input > 0 && output > 0 && usage["totalTokens"]?.integerValue == input + output, "\(usage)")
            #expect(usage["cost"]?["currency"] == "USD" && (usage["cost"]?["amount"]?.doubleValue ?? 0) > 0)
        }

        @Test func aSendKilledMidTurnIsResumedByTheNextProcess() throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            // A slow reply: four pieces, 1.5 s apart.
            let doomed = try claude.start(["send", "--thread", "t1", "remember ALBATROSS [[slow:1500]]"])
            try doomed.waitForOutput("mock#1:")
            doomed.signal(SIGKILL)
            let killed = doomed.finish()
            #expect(killed.status == 9 || killed.status == 137, "\(killed)")
            // Claude sees the end of its input when its parent dies: it finishes the running turn
            // (writing it to its transcript) and exits.
            #expect(
                claude.agentsGone(within: .seconds(60)),
                "claude outlived the killed agentws: \(claude.agentProcesses())")
            let session = try claude.sessionID("t1")

            let next = try claude.run("send", "--thread", "t1", "which bird?")
            #expect(next.status == 0, "\(next)")
            #expect(next.stderr.contains("resumed"), "\(next)")
            #expect(try claude.sessionID("t1") == session)
            #expect(next.stdout == "mock#2: which bird?\n", "\(next)")
            let last = try #require(try claude.turnRequests().last)
            #expect(ClaudeWorkspace.userTexts(last) == ["remember ALBATROSS [[slow:1500]]", "which bird?"])
            #expect(claude.agentsGone())
        }

        @Test func anUnknownSessionFailsWithExit6AndLeavesTheBindingAlone() throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let lost = "0b6f3c1e-58a2-4d0b-9a55-3f1f6e2d7c11"
            try claude.writeBinding(
                "t1", provider: "claude", model: "mock-model", cursor: ["sessionId": .string(lost)])
            let before = claude.bindingText("t1")

            let failed = try claude.run("send", "--thread", "t1", "hello again")
            #expect(failed.status == 6, "\(failed)")
            #expect(failed.stderr.contains("No conversation found with session ID: \(lost)"), "\(failed)")
            #expect(failed.stdout.isEmpty)
            #expect(claude.bindingText("t1") == before)
            #expect(try claude.shown("t1")["status"] == "error")
            // Nothing was sent to the model: no fresh conversation behind the user's back.
            #expect(try claude.turnRequests().isEmpty)

            try claude.writeBinding(
                "foreign", provider: "claude", model: "mock-model", cursor: ["threadId": "x"])
            let foreign = try claude.run("send", "--thread", "foreign", "hi")
            #expect(foreign.status == 6, "\(foreign)")
            #expect(foreign.stderr.contains("is not a claude cursor"), "\(foreign)")
            #expect(claude.agentsGone())
        }

        @Test func ctrlCInterruptsTheTurnAndTheThreadGoesOn() throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let send = try claude.start(["send", "--thread", "t1", "tell me a long story [[hold]]"])
            try send.waitForOutput("mock#1:")
            send.signal(SIGINT)
            let interrupted = send.finish()
            #expect(interrupted.status == 0, "\(interrupted)")
            #expect(interrupted.stderr.contains("turn ended: cancelled"), "\(interrupted)")
            let held = try #require(try claude.turnRequests().first?["seq"]?.integerValue)
            // Claude dropped the model stream: the interrupt reached it.
            #expect(try claude.mock.streamOutcome(held) == "client-disconnected")

            let next = try claude.run("send", "--thread", "t1", "shorter please")
            #expect(next.status == 0, "\(next)")
            #expect(next.stdout == "mock#2: shorter please\n")
            #expect(claude.agentsGone())
        }

        @Test func anUnknownRuntimeModeIsRefusedWithTheList() throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let refused = try claude.run("send", "--thread", "t1", "--runtime-mode", "yolo", "hi")
            #expect(refused.status != 0, "\(refused)")
            #expect(refused.stderr.contains("claude has no runtime mode \"yolo\""), "\(refused)")
            #expect(refused.stderr.contains("default, acceptEdits, plan, bypassPermissions"), "\(refused)")
            #expect(try claude.turnRequests().isEmpty)
        }
    }
}
