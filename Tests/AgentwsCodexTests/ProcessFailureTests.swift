import AgentwsJSON
import Foundation
import Testing

extension CodexAppServerTests {
    /// Codex dying, missing or misconfigured: a provider failure that says why, cursor kept.
    @Suite("process failures")
    struct ProcessFailureTests {
        @Test func codexDyingMidTurnFailsTheTurnWithItsStderr() throws {
            let codex = try CodexWorkspace()
            var options = codex.providerOptions
            // A wrapper that says something on stderr before it becomes codex.
            let command = options["command"]?.arrayValue ?? []
            options["command"] = .array(
                ["/bin/sh", "-c", "echo 'wrapper: about to exec codex' >&2; exec \"$0\" \"$@\""] + command)
            try codex.writeConfig(options: options)
            defer { codex.close() }

            try codex.run("send", "--thread", "t1", "a turn that works")
            let thread = try codex.cursorThread("t1")
            let send = try codex.start(["send", "--thread", "t1", "a turn that dies [[hold]]"])
            try send.waitForOutput("mock#2:")
            kill(try codex.runningCodex(), SIGKILL)
            let failed = send.finish()
            #expect(failed.status == 6, "\(failed)")
            #expect(failed.stderr.contains("killed by signal 9"), "\(failed)")
            #expect(failed.stderr.contains("wrapper: about to exec codex"), "\(failed)")
            #expect(failed.stderr.contains("codex-stderr.log"), "\(failed)")
            let shown = try codex.shown("t1")
            #expect(shown["status"] == "error")
            #expect(shown["lastError"]?.stringValue?.contains("killed by signal 9") == true)
            #expect(try codex.cursorThread("t1") == thread)
            #expect(codex.stderrLog.contains("wrapper: about to exec codex"))
            #expect(codex.stderrLog.contains("ended: killed by signal 9"))

            // The conversation survived its process.
            let next = try codex.run("send", "--thread", "t1", "still there?")
            #expect(next.status == 0, "\(next)")
            #expect(next.stderr.contains("resumed"), "\(next)")
            #expect(try codex.mock.requests().last?["headers"]?["thread-id"]?.stringValue == thread)
            #expect(try codex.shown("t1")["status"] == "stopped")
        }

        @Test func aMissingProgramIsNamed() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            var options = codex.providerOptions
            options["command"] = ["/nonexistent/codex", "app-server"]
            try codex.writeConfig(options: options)
            let result = try codex.run("send", "--thread", "t1", "hi")
            #expect(result.status == 6, "\(result)")
            #expect(
                result.stderr.contains("cannot run /nonexistent/codex: No such file or directory"),
                "\(result)")

            options["command"] = ["codex-that-is-not-installed"]
            try codex.writeConfig(options: options)
            let notOnPath = try codex.run("send", "--thread", "t2", "hi")
            #expect(notOnPath.status == 6, "\(notOnPath)")
            #expect(
                notOnPath.stderr.contains("cannot find \"codex-that-is-not-installed\" on PATH"),
                "\(notOnPath)")
        }

        @Test func anUnknownOptionIsNamed() throws {
            let codex = try CodexWorkspace(options: ["sandboxx": "read-only"])
            defer { codex.close() }
            let result = try codex.run("send", "--thread", "t1", "hi")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("unknown option \"sandboxx\""), "\(result)")
        }
    }
}
