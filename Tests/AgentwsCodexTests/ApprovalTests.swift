import AgentwsJSON
import Foundation
import Testing

extension CodexAppServerTests {
    /// Codex's approval requests are answered by the thread's runtime mode: declined (and said so)
    /// unless the mode is full-access. `approval_policy: untrusted` makes codex ask before any command.
    @Suite("approvals")
    struct ApprovalTests {
        static let asking: [String: JSONValue] = [
            "approval_policy": "untrusted", "sandbox": "workspace-write",
        ]

        @Test func aRequestIsDeclinedWithoutFullAccess() throws {
            let codex = try CodexWorkspace(options: Self.asking)
            defer { codex.close() }
            let result = try codex.run("send", "--thread", "t1", "[[run:touch declined.txt]]")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("declined codex's request to run"), "\(result)")
            #expect(result.stderr.contains("touch declined.txt"), "\(result)")
            // The tool call shows as such, and the model was told the command was rejected.
            #expect(result.stderr.contains("tool: /bin/bash -lc 'touch declined.txt'"), "\(result)")
            #expect(result.stdout.contains("tool output:"), "\(result)")
            #expect(result.stdout.contains("rejected"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: codex.workspace + "/declined.txt"))
        }

        @Test func aRequestIsAcceptedInFullAccessMode() throws {
            let codex = try CodexWorkspace(options: Self.asking)
            defer { codex.close() }
            // runtimeMode is a binding field; the CLI has no flag for it yet.
            try codex.writeBinding("t1", cursor: nil, runtimeMode: "full-access")
            let result = try codex.run("send", "--thread", "t1", "[[run:touch accepted.txt]]")
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("approved codex's request to run"), "\(result)")
            #expect(FileManager.default.fileExists(atPath: codex.workspace + "/accepted.txt"))
            #expect(try codex.binding("t1")["runtimeMode"] == "full-access")
        }

        @Test func anUnknownRuntimeModeIsRefused() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            try codex.writeBinding("t1", cursor: nil, runtimeMode: "yolo")
            let result = try codex.run("send", "--thread", "t1", "hi")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("no runtime mode \"yolo\""), "\(result)")
            #expect(result.stderr.contains("read-only, auto, full-access"), "\(result)")
            #expect(try codex.mock.requests().isEmpty)
        }
    }
}
