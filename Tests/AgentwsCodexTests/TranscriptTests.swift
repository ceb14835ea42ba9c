import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsTestSupport
import Foundation
import Testing

extension CodexAppServerTests {
    /// ABI 1.1 against the real codex: two workspaces, each with its own HOME, CODEX_HOME and model
    /// mock, stand for two machines.
    @Suite("transcripts and forks")
    struct TranscriptTests {
        /// Runs `messages` as turns of a session on `cursor` (or a new thread) and stops it; returns
        /// the cursor and the text the turns streamed.
        private func turns(
            _ provider: PluginProvider, in codex: CodexWorkspace, thread: String = "t1", cursor: JSONValue?,
            _ messages: [String]
        ) async throws -> (cursor: JSONValue, text: String) {
            let events = Events()
            let session = try await provider.start(
                .of(
                    thread: thread, cwd: codex.workspace, model: cursor == nil ? "mock-model" : nil,
                    resumeCursor: cursor),
                events: events.handler)
            for message in messages {
                #expect(
                    try await session.send(TurnRequest(text: message)).stopReason == .endTurn)
            }
            try await session.stop()
            return (try #require(session.cursor), events.text)
        }

        /// The rollout files under a CODEX_HOME, relative to it.
        private func rollouts(_ codex: CodexWorkspace) -> [String] {
            let sessions = codex.codexHome + "/sessions"
            let all = FileManager.default.enumerator(atPath: sessions)?.allObjects as? [String] ?? []
            return all.filter { $0.hasSuffix(".jsonl") }.sorted()
        }

        /// The user messages of the last request `codex`'s mock received.
        private func lastUserTexts(_ codex: CodexWorkspace) throws -> [String] {
            ResponsesMock.texts(try #require(try codex.mock.requests().last), role: "user")
        }

        @Test func exportOnOneMachineImportAndResumeOnAnother() async throws {
            let machineA = try CodexWorkspace()
            defer { machineA.close() }
            let machineB = try CodexWorkspace()
            defer { machineB.close() }
            let codexA = try machineA.pluginProvider()
            let capabilities = try await codexA.describe()
            #expect(capabilities.canExport && capabilities.canImport && capabilities.canFork)
            #expect(capabilities.transcriptFormat == "codex-rollout-jsonl")

            let (cursor, text) = try await turns(
                codexA, in: machineA, cursor: nil, ["first: remember PELICAN", "second: and OSPREY"])
            #expect(text == "mock#1: first: remember PELICANmock#2: second: and OSPREY")
            let thread = try #require(cursor["threadId"]?.stringValue)

            let destination = machineA.workspace + "/.agentws/state/t1.transcript"
            let exported = try await codexA.exportTranscript(
                TranscriptExportRequest(
                    thread: try ThreadID("t1"), cursor: cursor, cwd: machineA.workspace,
                    destination: destination))
            #expect(exported == TranscriptExportResult(format: "codex-rollout-jsonl", cursor: cursor))
            let rolloutA = try #require(rollouts(machineA).first)
            #expect(
                FileManager.default.contents(atPath: destination)
                    == FileManager.default.contents(atPath: machineA.codexHome + "/sessions/" + rolloutA))

            // Machine B has never seen the thread: resuming it fails until the import.
            let codexB = try machineB.pluginProvider()
            await #expect(throws: ProviderError.self) {
                _ = try await turns(codexB, in: machineB, cursor: cursor, ["too early"])
            }
            let imported = try await codexB.importTranscript(
                TranscriptImportRequest(
                    thread: try ThreadID("t1"), cwd: machineB.workspace, source: destination,
                    format: exported.format, cursor: cursor))
            #expect(imported == cursor)
            let placed = rollouts(machineB)
            #expect(placed.count == 1 && placed.first?.hasSuffix("-\(thread).jsonl") == true, "\(placed)")

            let (resumed, more) = try await turns(
                codexB, in: machineB, cursor: imported, ["third: which birds?"])
            #expect(resumed == cursor)
            #expect(more == "mock#3: third: which birds?")
            let seen = try lastUserTexts(machineB)
            #expect(
                seen.contains("first: remember PELICAN") && seen.contains("second: and OSPREY"), "\(seen)")

            // The same file again: codex has the thread, nothing is written.
            let again = try await codexB.importTranscript(
                TranscriptImportRequest(
                    thread: try ThreadID("t1"), cwd: machineB.workspace, source: destination,
                    format: exported.format, cursor: nil))
            #expect(again == cursor)
            #expect(rollouts(machineB) == placed)
        }

        @Test func foreignMismatchedAndMissingTranscriptsAreRefused() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider()
            let unknown: JSONValue = ["threadId": "01a24c9a-0000-7000-8000-000000000000"]
            let missing = await #expect(throws: ProviderError.self) {
                _ = try await provider.exportTranscript(
                    TranscriptExportRequest(
                        thread: try ThreadID("t1"), cursor: unknown, cwd: codex.workspace,
                        destination: codex.root + "/never"))
            }
            #expect(missing?.code == .notFound, "\(String(describing: missing))")
            #expect(missing?.message.contains("01a24c9a-0000-7000-8000-000000000000") == true)
            #expect(!FileManager.default.fileExists(atPath: codex.root + "/never"))

            let (cursor, _) = try await turns(provider, in: codex, cursor: nil, ["hello"])
            let destination = codex.workspace + "/.agentws/state/t1.transcript"
            _ = try await provider.exportTranscript(
                TranscriptExportRequest(
                    thread: try ThreadID("t1"), cursor: cursor, cwd: codex.workspace, destination: destination
                ))
            let notRollout = codex.root + "/not-a-rollout.jsonl"
            try Data("{\"type\":\"response_item\"}\n".utf8).write(to: URL(fileURLWithPath: notRollout))

            let refusals: [(TranscriptImportRequest, String)] = [
                (
                    TranscriptImportRequest(
                        thread: try ThreadID("t1"), cwd: codex.workspace, source: destination,
                        format: "echo-json",
                        cursor: nil),
                    "codex: cannot import a transcript in format \"echo-json\"; codex reads codex-rollout-jsonl only"
                ),
                (
                    TranscriptImportRequest(
                        thread: try ThreadID("t1"), cwd: codex.workspace, source: destination,
                        format: "codex-rollout-jsonl", cursor: unknown),
                    "codex: \(destination) is the rollout of codex thread "
                        + "\(cursor["threadId"]?.stringValue ?? ""), not 01a24c9a-0000-7000-8000-000000000000"
                ),
                (
                    TranscriptImportRequest(
                        thread: try ThreadID("t1"), cwd: codex.workspace, source: notRollout,
                        format: "codex-rollout-jsonl", cursor: nil),
                    "codex: \(notRollout) is not a codex rollout: its first line is not a session_meta record"
                ),
            ]
            for (request, message) in refusals {
                await #expect(throws: ProviderError(.invalidRequest, message)) {
                    _ = try await provider.importTranscript(request)
                }
            }
            #expect(rollouts(codex).count == 1)
        }

        @Test func aForkGoesOnIndependentlyOfItsSource() async throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let provider = try codex.pluginProvider()
            let (cursor, _) = try await turns(
                provider, in: codex, cursor: nil, ["one: remember HERON", "two"])
            let forked = try await provider.fork(
                ForkRequest(
                    thread: try ThreadID("t2"), source: try ThreadID("t1"), cursor: cursor,
                    cwd: codex.workspace,
                    model: nil, runtimeMode: nil))
            #expect(forked != cursor)
            #expect(forked["threadId"]?.stringValue?.count == 36)

            let (_, forkText) = try await turns(
                provider, in: codex, thread: "t2", cursor: forked, ["fork: three"])
            #expect(forkText == "mock#3: fork: three")
            let forkSeen = try lastUserTexts(codex)
            #expect(forkSeen.contains("one: remember HERON"), "\(forkSeen)")
            let forkRequest = try #require(try codex.mock.requests().last)
            #expect(forkRequest["body"]?["model"] == "mock-model")

            let (_, sourceText) = try await turns(provider, in: codex, cursor: cursor, ["source: three"])
            #expect(sourceText == "mock#3: source: three")
            let sourceSeen = try lastUserTexts(codex)
            #expect(
                sourceSeen.contains("one: remember HERON") && !sourceSeen.contains("fork: three"),
                "\(sourceSeen)")

            let (_, forkAgain) = try await turns(
                provider, in: codex, thread: "t2", cursor: forked, ["fork: four"])
            #expect(forkAgain == "mock#4: fork: four")
            #expect(!(try lastUserTexts(codex)).contains("source: three"))
        }
    }
}
