import AgentwsTestSupport
import Foundation
import Testing

extension ClaudeCodeTests {
    /// SPEC §11 with the real CLI and the real Claude Code against its loopback mock: a conversation
    /// captured at stop travels through git (mode commit) to a clone with its own HOME,
    /// CLAUDE_CONFIG_DIR and state, stays on its machine in mode local, and is restored there when
    /// Claude's own transcript file is gone.
    @Suite("transcripts through the CLI")
    struct TranscriptCLITests {
        static let words = ["remember the word OSPREY", "and the colour OCHRE"]

        /// Machine A: two turns on a claude thread (one-shot sends: each stopped and captured),
        /// committed with the transcripts the mode lets git see, pushed to a bare repository; machine
        /// B: its own homes, mock and state, a clone of it.
        func twoMachines(mode: String) throws -> TwoMachines<ClaudeWorkspace> {
            try TwoMachines(
                mode: mode, make: { try ClaudeWorkspace() },
                configure: {
                    try $0.writeConfig(
                        provider: "claude", defaultModel: "mock-model", options: $0.providerOptions)
                },
                turns: { a in
                    for text in Self.words {
                        let sent = try a.run("send", "--thread", "cl", text)
                        #expect(sent.status == 0, "\(sent)")
                    }
                })
        }

        /// Claude's own transcript of thread `cl` on `machine`.
        func claudeTranscript(_ machine: ClaudeWorkspace) throws -> String {
            ClaudeWorkspace.transcriptPath(
                home: machine.claudeHome, cwd: machine.workspace, session: try machine.sessionID("cl"))
        }

        @Test func inModeCommitACloneContinuesTheConversation() throws {
            let machines = try twoMachines(mode: "commit")
            defer { machines.close() }
            let (a, b) = (machines.a, machines.b)
            let tracked = try a.git("ls-files", ".agentws/transcripts")
            #expect(tracked.contains("cl/manifest.json") && tracked.contains("cl/transcript-"), "\(tracked)")
            let committed = b.bindingText("cl")
            #expect(!FileManager.default.fileExists(atPath: try claudeTranscript(b)))

            let turn = try b.run("send", "--thread", "cl", "which bird and colour?")
            #expect(turn.status == 0, "\(turn)")
            #expect(turn.stderr.contains("resumed from the workspace transcript (captured "), "\(turn)")
            // The mock numbers a reply by the user turns it was sent: the third, so A's two came.
            #expect(turn.stdout == "mock#3: which bird and colour?\n", "\(turn)")
            let last = try #require(try b.turnRequests().last)
            #expect(ClaudeWorkspace.userTexts(last) == Self.words + ["which bird and colour?"])
            // The same session under the same cursor: the committed binding did not change, and B's
            // Claude now has the session under B's own working directory.
            #expect(b.bindingText("cl") == committed)
            #expect(FileManager.default.fileExists(atPath: try claudeTranscript(b)))
            let next = try b.run("send", "--thread", "cl", "again")
            #expect(next.stdout == "mock#4: again\n" && !next.stderr.contains("resumed from"), "\(next)")
            #expect(a.agentsGone() && b.agentsGone())
        }

        @Test func inModeLocalACloneFailsAndTheMachineItselfRestores() throws {
            let machines = try twoMachines(mode: "local")
            defer { machines.close() }
            let (a, b) = (machines.a, machines.b)
            #expect(try a.git("ls-files", ".agentws/transcripts") == "")
            #expect(
                FileManager.default.fileExists(atPath: a.workspace + "/.agentws/transcripts/cl/manifest.json")
            )

            // B has the binding but neither the conversation nor a transcript: SPEC §4.2, nothing restored.
            let committed = b.bindingText("cl")
            let failed = try b.run("send", "--thread", "cl", "which bird?")
            #expect(failed.status == 6, "\(failed)")
            #expect(failed.stderr.contains("the workspace holds no transcript of thread cl"), "\(failed)")
            #expect(try b.turnRequests().isEmpty)
            #expect(b.bindingText("cl") == committed)
            #expect(!FileManager.default.fileExists(atPath: b.workspace + "/.agentws/transcripts/cl"))
            #expect(!FileManager.default.fileExists(atPath: try claudeTranscript(b)))

            // A loses Claude's copy (as Claude's 30-day clean-up would): its transcript file.
            try FileManager.default.removeItem(atPath: try claudeTranscript(a))
            let restored = try a.run("send", "--thread", "cl", "which bird?")
            #expect(restored.status == 0, "\(restored)")
            #expect(
                restored.stderr.contains("resumed from the workspace transcript (captured "), "\(restored)")
            #expect(restored.stdout == "mock#3: which bird?\n", "\(restored)")
            let last = try #require(try a.turnRequests().last)
            #expect(ClaudeWorkspace.userTexts(last) == Self.words + ["which bird?"])
            #expect(FileManager.default.fileExists(atPath: try claudeTranscript(a)))
            #expect(a.agentsGone() && b.agentsGone())
        }
    }
}
