import AgentwsJSON
import Foundation
import Testing

extension CodexAppServerTests {
    /// Codex takes a model per turn and keeps it (codex-protocol-notes §11), so the plugin reports
    /// `modelSwitch: in-session` and a model change keeps the conversation (SPEC §6).
    @Suite("model switch")
    struct ModelSwitchTests {
        @Test func aModelChangeKeepsTheConversationAndSurvivesAResume() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let providers = try codex.run("providers", "--json")
            #expect(providers.status == 0, "\(providers)")
            let listed = try JSONParser.parse(providers.stdout)["providers"]?.arrayValue ?? []
            let capabilities = listed.first { $0["name"] == "codex" }?["capabilities"]
            #expect(
                capabilities
                    == [
                        "canResume": true, "modelSwitch": "in-session", "models": .null, "canExport": true,
                        "canImport": true, "canFork": true, "canReplace": true,
                        "transcriptFormat": "codex-rollout-jsonl",
                    ])

            try codex.run("send", "--thread", "t1", "first on model a")
            let thread = try codex.cursorThread("t1")
            let switched = try codex.run(
                "send", "--thread", "t1", "--model", "codex/mock-model-b", "now on b")
            #expect(switched.status == 0, "\(switched)")
            #expect(switched.stdout == "mock#2: now on b\n")
            #expect(
                switched.stderr.contains("now uses model codex/mock-model-b (same conversation)"),
                "\(switched)")
            let binding = try codex.binding("t1")
            #expect(binding["model"] == "mock-model-b")
            #expect(try codex.cursorThread("t1") == thread)

            try codex.run("stop", "t1")
            let resumed = try codex.run("send", "--thread", "t1", "still on b?")
            #expect(resumed.status == 0, "\(resumed)")
            #expect(resumed.stdout == "mock#3: still on b?\n")
            let models = try codex.mock.requests().map { $0["body"]?["model"]?.stringValue }
            #expect(models == ["mock-model", "mock-model-b", "mock-model-b"])
            #expect(try codex.cursorThread("t1") == thread)
        }
    }
}
