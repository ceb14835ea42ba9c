import AgentwsJSON
import Foundation
import Testing

extension ACPProviderTests {
    /// fast-agent (`fast-agent-acp --model passthrough`, which echoes the prompt) through the CLI: each
    /// `agentws send` is a new agentws process, so every turn after the first is a resume.
    @Suite("fast-agent through the CLI")
    struct FastAgentCLITests {
        @Test func turnsStopAndNewProcessesResumeTheSameSession() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let first = try acp.run("send", "--thread", "t1", "remember the word PELICAN")
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout == "remember the word PELICAN\n")
            #expect(first.stderr.contains("thread t1 · fast/passthrough · new conversation"), "\(first)")
            let session = try acp.cursorSession("t1")
            #expect(try acp.binding("t1")["resumeCursor"] == ["sessionId": .string(session)])
            let bound = acp.bindingText("t1")
            #expect(acp.agentsGone(), "the one-shot send left the agent running: \(acp.agentProcesses())")

            let second = try acp.run("send", "--thread", "t1", "and the word HERON")
            #expect(second.status == 0, "\(second)")
            #expect(second.stdout == "and the word HERON\n", "the replayed history was shown: \(second)")
            #expect(second.stderr.contains("resumed"), "\(second)")

            let stop = try acp.run("stop", "t1")
            #expect(stop.status == 0, "\(stop)")
            #expect(try acp.shown("t1")["status"] == "stopped")

            // fast-agent's own account of the session: both turns, in one conversation.
            let history = try acp.run("send", "--thread", "t1", "/history")
            #expect(history.status == 0, "\(history)")
            #expect(history.stdout.contains("Messages: 4 (user: 2, assistant: 2)"), "\(history)")
            #expect(history.stdout.contains("user: and the word HERON"), "\(history)")
            // The same conversation all along: the cursor, and so the file, never changed.
            #expect(acp.bindingText("t1") == bound)

            // fast-agent lists the session agentws bound, in the workspace.
            let listed = try acp.fastAgentSessions()
            #expect(
                listed.contains {
                    $0["sessionId"]?.stringValue == session && $0["cwd"]?.stringValue == acp.workspace
                },
                "fast-agent lists \(listed), not session \(session) in \(acp.workspace)")
            #expect(acp.agentsGone())
        }

        @Test func aSessionTheAgentDoesNotHaveFailsWithExit6AndLeavesTheBindingAlone() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            try acp.writeBinding(
                "lost", provider: "fast", model: "passthrough", cursor: ["sessionId": "2601010000-gone00"])
            let before = acp.bindingText("lost")
            let result = try acp.run("send", "--thread", "lost", "are you there?")
            #expect(result.status == 6, "\(result)")
            #expect(result.stderr.contains("2601010000-gone00"), "\(result)")
            #expect(result.stderr.contains("-32002"), "fast-agent's code is named: \(result)")
            #expect(result.stderr.contains("--fresh"), "\(result)")
            #expect(acp.bindingText("lost") == before)
            #expect(try acp.shown("lost")["status"] == "error")
            #expect(acp.agentsGone())

            let fresh = try acp.run("send", "--fresh", "--thread", "lost", "start over")
            #expect(fresh.status == 0, "\(fresh)")
            #expect(fresh.stdout == "start over\n")
            #expect(try acp.cursorSession("lost") != "2601010000-gone00")
        }

        @Test func ctrlCCancelsTheTurnAndTheConversationGoesOn() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            try interrupt(
                acp, ["send", "--thread", "s1", "--model", "slow/slow", "take your time"], new: true)
            // fast-agent stores a session once a turn of it completes: this one never had one, so it
            // cannot be resumed — agentws says so and keeps the cursor rather than starting afresh.
            let bound = acp.bindingText("s1")
            let lost = try acp.run("send", "--thread", "s1", "are you there?")
            #expect(lost.status == 6, "\(lost)")
            #expect(lost.stderr.contains("Session not found"), "\(lost)")
            #expect(acp.bindingText("s1") == bound)

            let fresh = try acp.run("send", "--fresh", "--thread", "s1", "first words")
            #expect(fresh.status == 0, "\(fresh)")
            #expect(fresh.stdout == "first words\n", "\(fresh)")
            try interrupt(acp, ["send", "--thread", "s1", "a long story"], new: false)

            let next = try acp.run("send", "--thread", "s1", "/history")
            #expect(next.status == 0, "\(next)")
            #expect(next.stderr.contains("resumed"), "\(next)")
            #expect(next.stdout.contains("user: first words"), "\(next)")
            #expect(!next.stdout.contains("a long story"), "the cancelled turn left no reply: \(next)")
            #expect(acp.agentsGone())
        }

        /// Runs `arguments` (a send to the slow model) and presses Ctrl-C once its turn runs.
        private func interrupt(_ acp: ACPWorkspace, _ arguments: [String], new: Bool) throws {
            let send = try acp.start(arguments)
            // The slow model waits 3 s before it answers; the turn runs once the session is ready.
            try send.waitForError("· slow/slow · " + (new ? "new conversation" : "resumed"))
            send.signal(SIGINT)
            let interrupted = send.finish()
            #expect(interrupted.status == 0, "\(interrupted)")
            #expect(interrupted.stderr.contains("turn ended: cancelled"), "\(interrupted)")
            #expect(interrupted.stdout.isEmpty, "\(interrupted)")
            #expect(acp.agentsGone())
        }

        @Test func aSendKilledMidTurnIsRecoveredAndResumed() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let first = try acp.run("send", "--thread", "k1", "--model", "slow/slow", "first words")
            #expect(first.status == 0, "\(first)")
            let session = try acp.cursorSession("k1")
            let doomed = try acp.start(["send", "--thread", "k1", "cut short"])
            try doomed.waitForError("thread k1 · slow/slow · resumed")
            doomed.signal(SIGKILL)
            let killed = doomed.finish()
            #expect(killed.status == 9 || killed.status == 137, "\(killed)")
            // The agent sees the end of its input when its parent dies, and exits on its own.
            #expect(acp.agentsGone(), "the agent outlived the killed agentws: \(acp.agentProcesses())")
            #expect(try acp.shown("k1")["live"]?["state"] == "orphaned")

            let next = try acp.run("send", "--thread", "k1", "/history")
            #expect(next.status == 0, "\(next)")
            #expect(next.stderr.contains("recovered"), "\(next)")
            #expect(next.stderr.contains("resumed"), "\(next)")
            #expect(next.stdout.contains("user: first words"), "\(next)")
            #expect(try acp.cursorSession("k1") == session)
            #expect(try acp.shown("k1")["status"] == "stopped")
        }
    }
}
