import AgentwsJSON
import Foundation
import Testing

extension ACPProviderTests {
    /// fast-agent asks the client before it runs an MCP tool (`session/request_permission`); the
    /// thread's runtime mode answers, and the answer is shown to the user.
    @Suite("permissions")
    struct PermissionTests {
        /// fast-agent's passthrough model calls a tool when told `***CALL_TOOL <tool> <json>`.
        private func callTool(_ path: String) -> String {
            "***CALL_TOOL notes__write_note {\"path\": \"\(path)\", \"text\": \"written by the agent\"}"
        }

        @Test func fullAccessAllowsTheToolOnce() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let note = acp.workspace + "/note.txt"
            let result = try acp.run(
                "send", "--thread", "p1", "--model", "notes/passthrough", "--runtime-mode", "full-access",
                callTool(note))
            #expect(result.status == 0, "\(result)")
            #expect(
                result.stderr.contains(
                    "allowed once: fast-agent-acp asked to run \"notes/write_note\" (edit)"), "\(result)")
            #expect(result.stdout.contains("wrote \(note)"), "\(result)")
            #expect((try? String(contentsOfFile: note, encoding: .utf8)) == "written by the agent")
            #expect(try acp.binding("p1")["runtimeMode"] == "full-access")
        }

        @Test(arguments: [nil, "read-only", "auto"] as [String?])
        func otherModesDeclineIt(mode: String?) throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let note = acp.workspace + "/note.txt"
            var arguments = ["send", "--thread", "p2", "--model", "notes/passthrough"]
            if let mode { arguments += ["--runtime-mode", mode] }
            let result = try acp.start(arguments + [callTool(note)]).finish()
            #expect(result.status == 0, "\(result)")
            #expect(
                result.stderr.contains("declined: fast-agent-acp asked to run \"notes/write_note\" (edit)"),
                "\(result)")
            let reason =
                mode == "auto" ? "allows an edit only when every location" : "does not allow edit tool calls"
            #expect(result.stderr.contains(reason), "\(result)")
            #expect(result.stdout.contains("declined permission"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: note))
        }

        @Test func anUnknownRuntimeModeIsRefusedBeforeTheAgentStarts() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let result = try acp.run("send", "--thread", "p3", "--runtime-mode", "yolo", "hello")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("acp has no runtime mode \"yolo\""), "\(result)")
            #expect(result.stderr.contains("read-only, auto, full-access"), "\(result)")
            #expect(acp.agentsGone())
        }
    }
}
