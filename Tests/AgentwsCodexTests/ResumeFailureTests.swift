import AgentwsJSON
import Foundation
import Testing

extension CodexAppServerTests {
    /// SPEC §4.2: a cursor codex cannot resume fails loudly, keeps the cursor, and never silently
    /// turns into a new conversation; `--fresh` is the user's explicit way out.
    @Suite("resume failure")
    struct ResumeFailureTests {
        @Test func aThreadCodexNeverHadFailsWithExit6AndKeepsTheCursor() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let lost = "ba4d9eaa-6ea8-4297-aefd-9f303876a292"
            try codex.writeBinding("t1", cursor: ["threadId": .string(lost)])

            let failed = try codex.run("send", "--thread", "t1", "hello again")
            #expect(failed.status == 6, "\(failed)")
            #expect(failed.stderr.contains("no rollout found for thread id \(lost)"), "\(failed)")
            #expect(failed.stdout.isEmpty)
            let binding = try codex.binding("t1")
            let shown = try codex.shown("t1")
            #expect(shown["status"] == "error")
            #expect(binding["resumeCursor"] == ["threadId": .string(lost)])
            #expect(shown["lastError"]?.stringValue?.contains(lost) == true)
            // Nothing was sent to the model: no fresh conversation behind the user's back.
            #expect(try codex.mock.requests().isEmpty)
            #expect(codex.codexGone())

            let fresh = try codex.run("send", "--fresh", "--thread", "t1", "hello again")
            #expect(fresh.status == 0, "\(fresh)")
            #expect(fresh.stdout == "mock#1: hello again\n")
            #expect(fresh.stderr.contains("NOT carried over"), "\(fresh)")
            let replaced = try codex.shown("t1")
            #expect(replaced["status"] == "stopped")
            #expect(replaced["lastError"] == .null)
            let thread = try codex.cursorThread("t1")
            #expect(thread != lost)
            #expect(try codex.mock.requests().last?["headers"]?["thread-id"]?.stringValue == thread)
        }

        @Test func aCursorThatIsNoThreadIdIsAResumeFailureToo() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            try codex.writeBinding("malformed", cursor: ["threadId": "not-a-thread-id"])
            try codex.writeBinding("foreign", cursor: ["conversation": "3f09c1d2a4b5e6f7"])

            let malformed = try codex.run("send", "--thread", "malformed", "hi")
            #expect(malformed.status == 6, "\(malformed)")
            #expect(malformed.stderr.contains("invalid session id"), "\(malformed)")
            #expect(try codex.shown("malformed")["status"] == "error")
            #expect(try codex.binding("malformed")["resumeCursor"] == ["threadId": "not-a-thread-id"])

            let foreign = try codex.run("send", "--thread", "foreign", "hi")
            #expect(foreign.status == 6, "\(foreign)")
            #expect(foreign.stderr.contains("is not a codex cursor"), "\(foreign)")
            #expect(try codex.binding("foreign")["resumeCursor"] == ["conversation": "3f09c1d2a4b5e6f7"])
            #expect(try codex.mock.requests().isEmpty)
            #expect(codex.codexGone())
        }
    }
}
