import AgentwsJSON
import Foundation
import Testing

extension CodexAppServerTests {
    /// SPEC §4: a stopped or crashed session resumes the same codex conversation in a new process.
    @Suite("resume across processes")
    struct ResumeTests {
        @Test func stopThenSendResumesTheConversationInANewProcess() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let first = try codex.run("send", "--thread", "t1", "remember the word PELICAN")
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout == "mock#1: remember the word PELICAN\n")
            #expect(first.stderr.contains("thread t1 · codex/mock-model · new conversation"))
            let thread = try codex.cursorThread("t1")
            #expect(try codex.binding("t1")["resumeCursor"] == ["threadId": .string(thread)])
            #expect(codex.codexGone(), "the one-shot send left codex running: \(codex.codexProcesses())")

            let stop = try codex.run("stop", "t1")
            #expect(stop.status == 0, "\(stop)")
            let stopped = codex.bindingText("t1")
            #expect(try codex.shown("t1")["status"] == "stopped")

            let second = try codex.run("send", "--thread", "t1", "which word?")
            #expect(second.status == 0, "\(second)")
            // mock#2: the model saw two user messages, so the history came along.
            #expect(second.stdout == "mock#2: which word?\n")
            #expect(second.stderr.contains("resumed"))
            // The same conversation: the cursor, and so the file, did not change.
            #expect(codex.bindingText("t1") == stopped)

            let requests = try codex.mock.requests()
            try #require(requests.count == 2, "\(requests.count) model requests")
            #expect(requests[1]["headers"]?["thread-id"]?.stringValue == thread)
            let users = ResponsesMock.texts(requests[1], role: "user")
            #expect(users.contains("remember the word PELICAN"))
            #expect(users.last == "which word?")
            #expect(
                ResponsesMock.texts(requests[1], role: "assistant") == ["mock#1: remember the word PELICAN"])
            #expect(codex.codexGone())
        }

        @Test func aSendKilledMidTurnIsResumedByTheNextProcess() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let doomed = try codex.start(["send", "--thread", "t1", "remember ALBATROSS [[hold]]"])
            try doomed.waitForOutput("mock#1:")
            doomed.signal(SIGKILL)
            let killed = doomed.finish()
            #expect(killed.status == 9 || killed.status == 137, "\(killed)")
            // Codex sees the end of its input when its parent dies, and exits on its own.
            #expect(codex.codexGone(), "codex outlived the killed agentws: \(codex.codexProcesses())")
            let thread = try codex.cursorThread("t1")
            #expect(try codex.shown("t1")["live"]?["state"] == "orphaned")

            let next = try codex.run("send", "--thread", "t1", "which bird?")
            #expect(next.status == 0, "\(next)")
            #expect(next.stderr.contains("resumed"), "\(next)")
            #expect(try codex.cursorThread("t1") == thread)
            #expect(try codex.shown("t1")["status"] == "stopped")
            let last = try #require(try codex.mock.requests().last)
            #expect(last["headers"]?["thread-id"]?.stringValue == thread)
            let users = ResponsesMock.texts(last, role: "user")
            #expect(users.contains("remember ALBATROSS [[hold]]"), "\(users)")
            #expect(users.last == "which bird?")
            #expect(next.stdout.hasPrefix("mock#2: which bird?"), "\(next)")
            #expect(codex.codexGone())
        }

        @Test func aLongMessageAndReplyCrossManyReadsWhole() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            // Four arguments (one argument may not exceed 128 KiB) joined by spaces: the lines that
            // carry it back (the user message item, each reply delta) span several 64 KiB reads.
            let parts = (0..<4).map { part in
                (0..<9_000).map { "w\(part)-\($0)" }.joined(separator: " ")
            }
            let result = try codex.start(["send", "--thread", "big"] + parts).finish()
            #expect(result.status == 0, "exit \(result.status), stderr \(result.stderr)")
            let message = parts.joined(separator: " ")
            #expect(message.utf8.count > 250_000)
            #expect(result.stdout == "mock#1: \(message)\n")
        }
    }
}
