import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Testing

extension CodexAppServerTests {
    /// SPEC §11 with the real CLI, the real codex 0.163.0 against its loopback mock, and echo:
    /// conversations captured at stop travel through git (mode commit) to a clone with its own HOME,
    /// CODEX_HOME and state, stay local in mode local, and travel by export/import.
    @Suite("transcripts through the CLI")
    struct TranscriptCLITests {
        /// Machine A: two turns on a codex thread and on an echo thread, stopped (one-shot sends),
        /// committed with the transcripts the mode lets git see, pushed to a bare repository.
        /// Machine B: its own HOME, CODEX_HOME, mock and state, a clone of that repository with its own
        /// configuration (which is machine-specific here: it points at B's mock and homes).
        func twoMachines(mode: String) throws -> (a: CodexWorkspace, b: CodexWorkspace, bare: String) {
            let machines = try TwoMachines(
                mode: mode, make: { try CodexWorkspace() },
                configure: { try $0.writeConfig(options: $0.providerOptions) },
                turns: { a in
                    for text in ["remember the word HERON", "and the colour TEAL"] {
                        let sent = try a.run("send", "--thread", "cx", text)
                        #expect(sent.status == 0, "\(sent)")
                    }
                    for text in ["one", "two"] {
                        let sent = try a.run("send", "--thread", "ec", "--model", "echo/echo-1", text)
                        #expect(sent.status == 0, "\(sent)")
                    }
                })
            return (machines.a, machines.b, machines.bare)
        }

        @Test func inModeCommitACloneContinuesBothConversations() throws {
            let (a, b, _) = try twoMachines(mode: "commit")
            defer {
                a.close()
                b.close()
            }
            let committed = b.bindingText("cx")
            let codexTurn = try b.run("send", "--thread", "cx", "which word and colour?")
            #expect(codexTurn.status == 0, "\(codexTurn)")
            #expect(
                codexTurn.stderr.contains("resumed from the workspace transcript (captured "), "\(codexTurn)")
            // The mock numbers a reply by the user turns it was sent: the third, so the earlier two came.
            #expect(codexTurn.stdout == "mock#3: which word and colour?\n", "\(codexTurn)")
            // What B's model was sent: the turns A had, then the new one.
            let requests = try b.mock.requests()
            try #require(requests.count == 1, "\(requests.count) model requests")
            let users = ResponsesMock.texts(requests[0], role: "user")
            #expect(
                users.contains("remember the word HERON") && users.contains("and the colour TEAL"), "\(users)"
            )
            #expect(users.last == "which word and colour?")
            #expect(b.bindingText("cx") == committed)

            let echoTurn = try b.run("send", "--thread", "ec", "three")
            #expect(echoTurn.status == 0, "\(echoTurn)")
            #expect(echoTurn.stderr.contains("resumed from the workspace transcript"), "\(echoTurn)")
            #expect(echoTurn.stdout.hasPrefix("echo-1 turn 3"), "\(echoTurn)")
            #expect(b.codexGone())
        }

        /// A → B → A: A's codex still has its own rollout of the thread (two turns) when B's third
        /// turn comes back through git; A's send replaces that rollout with B's transcript, so A's
        /// model request carries B's turn.
        @Test func aThreadHandedBackContinuesWithTheOtherMachinesTurns() throws {
            let (a, b, bare) = try twoMachines(mode: "commit")
            defer {
                a.close()
                b.close()
            }
            let committed = a.bindingText("cx")
            let onB = try b.run("send", "--thread", "cx", "which word and colour?")
            #expect(onB.status == 0 && onB.stdout == "mock#3: which word and colour?\n", "\(onB)")
            // B's configuration is its own (it points at B's mock and homes): only the threads travel.
            try b.git("add", ".agentws/bindings", ".agentws/transcripts")
            try b.git("commit", "-q", "-m", "cx on B")
            try b.git("push", "-q", "origin", "HEAD")
            try a.git("pull", "-q", "--no-rebase", bare, "HEAD")

            let back = try a.run("send", "--thread", "cx", "and now the fourth")
            #expect(back.status == 0, "\(back)")
            #expect(back.stderr.contains("resumed from the workspace transcript (captured "), "\(back)")
            #expect(back.stderr.contains("newer than this machine's copy"), "\(back)")
            #expect(!back.stderr.contains("split"), "\(back)")
            #expect(back.stdout == "mock#4: and now the fourth\n", "\(back)")
            let users = ResponsesMock.texts(try #require(try a.mock.requests().last), role: "user")
            #expect(users.contains("which word and colour?"), "B's turn is in A's request: \(users)")
            #expect(
                users.contains("remember the word HERON") && users.last == "and now the fourth", "\(users)")
            #expect(a.bindingText("cx") == committed)
            #expect(a.codexGone() && b.codexGone())
        }

        @Test func inModeLocalACloneFailsAndTheMachineItselfRestores() throws {
            let (a, b, _) = try twoMachines(mode: "local")
            defer {
                a.close()
                b.close()
            }
            #expect(try a.git("ls-files", ".agentws/transcripts") == "")
            let failed = try b.run("send", "--thread", "cx", "which word?")
            #expect(failed.status == 6, "\(failed)")
            #expect(failed.stderr.contains("the workspace holds no transcript of thread cx"), "\(failed)")
            #expect(try b.mock.requests().isEmpty)

            // A loses codex's copy: the rollout and the whole CODEX_HOME.
            try FileManager.default.removeItem(atPath: a.codexHome)
            try FileManager.default.createDirectory(atPath: a.codexHome, withIntermediateDirectories: true)
            let restored = try a.run("send", "--thread", "cx", "which word?")
            #expect(restored.status == 0, "\(restored)")
            #expect(restored.stderr.contains("resumed from the workspace transcript"), "\(restored)")
            let requests = try a.mock.requests()
            let users = ResponsesMock.texts(try #require(requests.last), role: "user")
            #expect(users.contains("remember the word HERON") && users.last == "which word?", "\(users)")

            try FileManager.default.removeItem(atPath: a.workspace + "/.agentws/state/providers/echo")
            let echoTurn = try a.run("send", "--thread", "ec", "three")
            #expect(echoTurn.stdout.hasPrefix("echo-1 turn 3"), "\(echoTurn)")
            #expect(a.codexGone())
        }

        @Test func exportAndImportIntoAnUnrelatedWorkspace() throws {
            let a = try CodexWorkspace()
            let c = try CodexWorkspace()
            defer {
                a.close()
                c.close()
            }
            for text in ["remember the word HERON", "and the colour TEAL"] {
                let sent = try a.run("send", "--thread", "cx", text)
                #expect(sent.status == 0, "\(sent)")
            }
            let file = a.root + "/cx.thread"
            let exported = try a.run("export", "cx", "-o", file)
            #expect(exported.status == 0 && exported.stdout.contains("codex-rollout-jsonl"), "\(exported)")
            let imported = try c.run("import", file)
            #expect(imported.status == 0, "\(imported)")
            #expect(try c.cursorThread("cx") == (try a.cursorThread("cx")))
            let next = try c.run("send", "--thread", "cx", "which word?")
            #expect(next.status == 0 && next.stdout == "mock#3: which word?\n", "\(next)")
            let users = ResponsesMock.texts(try #require(try c.mock.requests().first), role: "user")
            #expect(users.contains("remember the word HERON") && users.last == "which word?", "\(users)")
            #expect(c.codexGone())
        }
    }
}
