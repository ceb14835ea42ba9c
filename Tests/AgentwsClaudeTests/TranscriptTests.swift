import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsTestSupport
import Foundation
import Testing

extension ClaudeCodeTests {
    /// ABI 1.1 (SPEC §11, §12): a conversation exported on one machine and imported on another
    /// resumes there with its history; a fork is a new, independent conversation.
    @Suite("transcripts and forks")
    struct TranscriptTests {
        @Test func exportOnAImportOnBWithAnEmptyClaudeHomeResumesWithTheHistory() async throws {
            let machineA = try ClaudeWorkspace()
            defer { machineA.close() }
            let machineB = try ClaudeWorkspace()
            defer { machineB.close() }
            let first = try machineA.run("send", "--thread", "t1", "remember the word OSPREY")
            #expect(first.stdout == "mock#1: remember the word OSPREY\n", "\(first)")
            let session = try machineA.sessionID("t1")
            let cursor: JSONValue = ["sessionId": .string(session)]

            let exported = machineA.root + "/t1.claude.jsonl"
            let result = try await machineA.provider().exportTranscript(
                TranscriptExportRequest(
                    thread: try ThreadID("t1"), cursor: cursor, cwd: machineA.workspace, destination: exported
                ))
            #expect(result.format == "claude-jsonl")
            let original = try #require(
                FileManager.default.contents(
                    atPath: ClaudeWorkspace.transcriptPath(
                        home: machineA.claudeHome, cwd: machineA.workspace, session: session)))
            #expect(FileManager.default.contents(atPath: exported) == original)

            // Machine B has the binding (git brought it) but its Claude has never seen the session.
            try machineB.writeBinding("t1", provider: "claude", model: "mock-model", cursor: cursor)
            let lost = try machineB.run("send", "--thread", "t1", "which bird?")
            #expect(lost.status == 6, "\(lost)")

            let provider = try machineB.provider()
            let imported = try await provider.importTranscript(
                TranscriptImportRequest(
                    thread: try ThreadID("t1"), cwd: machineB.workspace, source: exported,
                    format: "claude-jsonl",
                    cursor: cursor))
            #expect(imported == cursor)
            let placed = ClaudeWorkspace.transcriptPath(
                home: machineB.claudeHome, cwd: machineB.workspace, session: session)
            #expect(FileManager.default.contents(atPath: placed) == original)
            // Importing the same file again changes nothing.
            #expect(
                try await provider.importTranscript(
                    TranscriptImportRequest(
                        thread: try ThreadID("t1"), cwd: machineB.workspace, source: exported,
                        format: "claude-jsonl", cursor: cursor)) == cursor)

            let resumed = try machineB.run("send", "--thread", "t1", "which bird?")
            #expect(resumed.status == 0, "\(resumed)")
            #expect(resumed.stdout == "mock#2: which bird?\n", "\(resumed)")
            #expect(try machineB.sessionID("t1") == session)
            // B's model server saw A's turn.
            let last = try #require(try machineB.turnRequests().last)
            #expect(ClaudeWorkspace.userTexts(last) == ["remember the word OSPREY", "which bird?"])
            #expect(machineA.agentsGone() && machineB.agentsGone())
        }

        /// Claude names a transcript's directory after the working directory, and shortens a name
        /// past 200 characters with a hash: export finds it there on A, import puts it where B's
        /// Claude looks for it, and the conversation goes on.
        @Test func aWorkingDirectoryPastClaudesNameLimitIsExportedAndImported() throws {
            let machineA = try ClaudeWorkspace()
            defer { machineA.close() }
            let machineB = try ClaudeWorkspace()
            defer { machineB.close() }
            let deep = Array(repeating: "a-rather-long-directory-name-to-pass-the-limit", count: 6)
                .joined(separator: "/")
            for machine in [machineA, machineB] {
                try FileManager.default.createDirectory(
                    atPath: machine.workspace + "/" + deep, withIntermediateDirectories: true)
            }
            let first = try RunningCommand(
                ["send", "--thread", "t1", "remember the word OSPREY"],
                directory: machineA.workspace + "/" + deep, environment: machineA.environment
            ).finish()
            #expect(first.status == 0, "\(first)")
            let projects = try FileManager.default.contentsOfDirectory(
                atPath: machineA.claudeHome + "/projects")
            #expect(
                projects.filter { $0.count > 200 }.count == 1,
                "Claude's own name is the long form: \(projects)")

            let file = machineA.root + "/t1.export"
            let exported = try machineA.run("export", "t1", "-o", file)
            #expect(exported.status == 0, "\(exported)")
            #expect(exported.stdout.contains("claude-jsonl transcript"), "\(exported)")
            let imported = try machineB.run("import", file)
            #expect(imported.status == 0, "\(imported)")
            let resumed = try machineB.run("send", "--thread", "t1", "which bird?")
            #expect(resumed.status == 0, "\(resumed)")
            #expect(try machineB.sessionID("t1") == machineA.sessionID("t1"))
            let last = try #require(try machineB.turnRequests().last)
            #expect(ClaudeWorkspace.userTexts(last) == ["remember the word OSPREY", "which bird?"])
            #expect(machineA.agentsGone() && machineB.agentsGone())
        }

        /// A → B → A: B continued the session A handed it; B's transcript comes back to A's
        /// workspace (as a pull brings it) while A's Claude still has its own, older copy of the
        /// session. A's send replaces that copy, and A's model request carries B's turn.
        @Test func aSessionHandedBackContinuesWithTheOtherMachinesTurn() throws {
            let machineA = try ClaudeWorkspace()
            defer { machineA.close() }
            let machineB = try ClaudeWorkspace()
            defer { machineB.close() }
            let first = try machineA.run("send", "--thread", "t1", "remember the word OSPREY")
            #expect(first.stdout == "mock#1: remember the word OSPREY\n", "\(first)")
            let file = machineA.root + "/t1.export"
            #expect(try machineA.run("export", "t1", "-o", file).status == 0)
            #expect(try machineB.run("import", file).status == 0)
            let onB = try machineB.run("send", "--thread", "t1", "which bird?")
            #expect(onB.stdout == "mock#2: which bird?\n", "\(onB)")

            // What a pull of B's commit does to A's workspace: B's transcript and manifest replace A's.
            let held = "/.agentws/transcripts/t1"
            try FileManager.default.removeItem(atPath: machineA.workspace + held)
            try FileManager.default.copyItem(
                atPath: machineB.workspace + held, toPath: machineA.workspace + held)
            let binding = try machineA.sessionID("t1")

            let back = try machineA.run("send", "--thread", "t1", "and the third?")
            #expect(back.status == 0, "\(back)")
            #expect(back.stderr.contains("newer than this machine's copy"), "\(back)")
            #expect(back.stdout == "mock#3: and the third?\n", "\(back)")
            #expect(try machineA.sessionID("t1") == binding)
            let last = try #require(try machineA.turnRequests().last)
            #expect(
                ClaudeWorkspace.userTexts(last) == [
                    "remember the word OSPREY", "which bird?", "and the third?",
                ])
            #expect(machineA.agentsGone() && machineB.agentsGone())
        }

        @Test func importRefusesForeignAndDamagedFiles() async throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            let provider = try claude.provider()
            let damaged = claude.root + "/damaged.jsonl"
            try Data("{\"sessionId\": \"0b6f3c1e-58a2-4d0b-9a55-3f1f6e2d7c11\"}\nnot json\n".utf8)
                .write(to: URL(fileURLWithPath: damaged))
            func importing(_ format: String) async throws {
                _ = try await provider.importTranscript(
                    TranscriptImportRequest(
                        thread: try ThreadID("t1"), cwd: claude.workspace, source: damaged, format: format,
                        cursor: nil))
            }
            await #expect(throws: ProviderError.self) { try await importing("codex-rollout-jsonl") }
            do {
                try await importing("claude-jsonl")
                Issue.record("a damaged transcript was imported")
            } catch let error as ProviderError {
                #expect(error.code == .invalidRequest)
                #expect(error.message.contains("damaged.jsonl:2 is not a claude transcript line"), "\(error)")
            }
            #expect(!FileManager.default.fileExists(atPath: claude.claudeHome + "/projects"))
        }

        @Test func forkIsANewSessionWithTheHistoryAndTheOriginalIsUntouched() async throws {
            let claude = try ClaudeWorkspace()
            defer { claude.close() }
            #expect(try claude.run("send", "--thread", "t1", "remember the word KESTREL").status == 0)
            #expect(try claude.run("send", "--thread", "t1", "and the word PLOVER").status == 0)
            let session = try claude.sessionID("t1")
            let originalPath = ClaudeWorkspace.transcriptPath(
                home: claude.claudeHome, cwd: claude.workspace, session: session)
            let before = try #require(FileManager.default.contents(atPath: originalPath))
            let requestsBefore = try claude.turnRequests().count

            let provider = try claude.provider()
            let forked = try await provider.fork(
                ForkRequest(
                    thread: try ThreadID("t2"), source: try ThreadID("t1"),
                    cursor: ["sessionId": .string(session)],
                    cwd: claude.workspace, model: "mock-model", runtimeMode: nil))
            let copy = try #require(forked["sessionId"]?.stringValue)
            #expect(copy != session)
            #expect(FileManager.default.contents(atPath: originalPath) == before)
            // Forking asked the model nothing.
            #expect(try claude.turnRequests().count == requestsBefore)
            #expect(claude.agentsGone())

            let events = Events()
            let fork = try await provider.start(
                .of(thread: "t2", cwd: claude.workspace, model: "mock-model", resumeCursor: forked),
                events: events.handler)
            #expect(
                try await fork.send(TurnRequest(text: "which words?")).stopReason == .endTurn)
            #expect(events.text == "mock#3: which words?")
            try await fork.stop()
            let last = try #require(try claude.turnRequests().last)
            #expect(
                ClaudeWorkspace.userTexts(last) == [
                    "remember the word KESTREL", "and the word PLOVER", "which words?",
                ])
            // The original did not get the fork's turn.
            #expect(FileManager.default.contents(atPath: originalPath) == before)

            let unknown: JSONValue = ["sessionId": "0b6f3c1e-58a2-4d0b-9a55-3f1f6e2d7c11"]
            do {
                _ = try await provider.fork(
                    ForkRequest(
                        thread: try ThreadID("t3"), source: try ThreadID("t1"), cursor: unknown,
                        cwd: claude.workspace,
                        model: nil, runtimeMode: nil))
                Issue.record("a fork of an unknown session succeeded")
            } catch let error as ProviderError {
                #expect(error.code == .notFound, "\(error)")
            }
            #expect(claude.agentsGone())
        }
    }
}
