import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Testing

/// echo's ABI 1.1 methods through its C entry table: export, import and fork.
@Suite("The echo plugin's transcripts and forks")
struct EchoTranscriptTests {
    /// A conversation with two turns, stopped; returns the instance and its cursor.
    private func conversation(in state: TemporaryDirectory) async throws -> (EchoInstance, JSONValue) {
        let echo = try EchoInstance.create(in: state)
        let (session, cursor) = try await echo.start()
        _ = try await echo.send(session, "one")
        _ = try await echo.send(session, "two")
        _ = try await echo.driver.call("stop", ["session": .string(session)]).result()
        return (echo, cursor)
    }

    private func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func exportWritesTheConversationFile() async throws {
        let state = try TemporaryDirectory()
        let (echo, cursor) = try await conversation(in: state)
        let id = try #require(cursor["conversation"]?.stringValue)
        let destination = state.path + "/export.json"
        let result = try await echo.driver.call(
            "export", ["thread": "t1", "cursor": cursor, "cwd": "/w", "path": .string(destination)]
        ).result()
        #expect(result == ["format": "echo-json"])
        #expect(try read(destination) == read("\(state.path)/conversations/\(id).json"))
        #expect(try JSONParser.parse(bytes: read(destination))["turns"] == 2)
    }

    @Test func exportOfAConversationThatIsNotHereIsNotFound() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let reply = await echo.driver.call(
            "export", ["cursor": ["conversation": "0123"], "cwd": "/w", "path": .string(state.path + "/x")])
        #expect(reply.errorCode == "not-found")
        #expect(
            reply.errorMessage
                == "echo: conversation 0123 is not here (no \(state.path)/conversations/0123.json)")
        #expect(!FileManager.default.fileExists(atPath: state.path + "/x"))
    }

    @Test func importOnAnotherMachineKeepsTheCursorAndResumeGoesOnCounting() async throws {
        let machineA = try TemporaryDirectory()
        let (echoA, cursor) = try await conversation(in: machineA)
        let transcript = machineA.path + "/transcript.json"
        _ = try await echoA.driver.call(
            "export", ["cursor": cursor, "cwd": "/w", "path": .string(transcript)]
        ).result()

        let machineB = try TemporaryDirectory()
        let echoB = try EchoInstance.create(in: machineB)
        let imported = try await echoB.driver.call(
            "import",
            [
                "thread": "t1", "cwd": "/w", "path": .string(transcript), "format": "echo-json",
                "cursor": cursor,
            ]
        ).result()
        #expect(imported == ["cursor": cursor])
        // The same file again finds exactly its conversation already there: same cursor.
        let again = try await echoB.driver.call(
            "import", ["thread": "t1", "cwd": "/w", "path": .string(transcript), "format": "echo-json"]
        ).result()
        #expect(again == ["cursor": cursor])
        let (session, resumed) = try await echoB.start(cursor: cursor)
        #expect(resumed == cursor)
        #expect(try await echoB.send(session, "three") == "echo-1 turn 3 (start 2): three")
    }

    @Test func importWhoseIdIsTakenGetsANewCursorAndLeavesTheOtherAlone() async throws {
        let state = try TemporaryDirectory()
        let (echo, cursor) = try await conversation(in: state)
        let id = try #require(cursor["conversation"]?.stringValue)
        let transcript = state.path + "/transcript.json"
        _ = try await echo.driver.call(
            "export", ["cursor": cursor, "cwd": "/w", "path": .string(transcript)]
        )
        .result()
        let (session, _) = try await echo.start(cursor: cursor)
        _ = try await echo.send(session, "three")
        let before = try read("\(state.path)/conversations/\(id).json")

        let imported = try await echo.driver.call(
            "import", ["thread": "t9", "cwd": "/w", "path": .string(transcript), "format": "echo-json"]
        ).result()
        let newCursor = try #require(imported["cursor"])
        #expect(newCursor != cursor)
        #expect(try read("\(state.path)/conversations/\(id).json") == before)
        let (copy, _) = try await echo.start(thread: "t9", cursor: newCursor)
        #expect(try await echo.send(copy, "again") == "echo-1 turn 3 (start 2): again")
    }

    @Test func importRefusesForeignDamagedAndMismatchedFiles() async throws {
        let state = try TemporaryDirectory()
        let (echo, cursor) = try await conversation(in: state)
        let transcript = state.path + "/transcript.json"
        _ = try await echo.driver.call(
            "export", ["cursor": cursor, "cwd": "/w", "path": .string(transcript)]
        )
        .result()
        let damaged = state.path + "/damaged.json"
        try Data("{\"conversation\": \"abc\"".utf8).write(to: URL(fileURLWithPath: damaged))
        let escaping = state.path + "/escaping.json"
        guard case .object(var members) = try JSONParser.parse(bytes: read(transcript)) else {
            Issue.record("the export is not an object")
            return
        }
        members["conversation"] = "../../outside"
        try Data(JSONWriter.canonical(.object(members))).write(to: URL(fileURLWithPath: escaping))

        let cases: [(JSONValue, String)] = [
            (
                ["thread": "t", "cwd": "/w", "path": .string(transcript), "format": "codex-rollout-jsonl"],
                "echo: cannot import a transcript in format \"codex-rollout-jsonl\"; echo reads echo-json only"
            ),
            (
                ["thread": "t", "cwd": "/w", "path": .string(state.path + "/none"), "format": "echo-json"],
                "echo: no transcript at \(state.path)/none"
            ),
            (
                [
                    "thread": "t", "cwd": "/w", "path": .string(transcript), "format": "echo-json",
                    "cursor": ["conversation": "ffff"],
                ],
                "echo: \(transcript) holds conversation \(cursor["conversation"]?.stringValue ?? ""), not ffff"
            ),
            (
                ["thread": "t", "cwd": "/w", "path": .string(escaping), "format": "echo-json"],
                "echo: \(escaping) is not an echo-json transcript: \"conversation\" is not an echo conversation id"
            ),
        ]
        for (params, message) in cases {
            let reply = await echo.driver.call("import", params)
            #expect(reply.errorCode == "invalid-request")
            #expect(reply.errorMessage == message)
        }
        let reply = await echo.driver.call(
            "import", ["thread": "t", "cwd": "/w", "path": .string(damaged), "format": "echo-json"])
        #expect(reply.errorCode == "invalid-request")
        #expect(reply.errorMessage?.hasPrefix("echo: \(damaged) is not an echo-json transcript: ") == true)
        // Nothing was placed: the store still holds the one conversation.
        let id = try #require(cursor["conversation"]?.stringValue)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: state.path + "/conversations") == [
                id + ".json"
            ])
    }

    @Test func forkContinuesTheTurnCountAndThenBothGoTheirOwnWay() async throws {
        let state = try TemporaryDirectory()
        let (echo, cursor) = try await conversation(in: state)
        let forked = try await echo.driver.call(
            "fork",
            [
                "thread": "t2", "source": "t1", "cursor": cursor, "cwd": "/w", "model": "echo-2",
                "runtimeMode": .null,
            ]
        ).result()
        let forkCursor = try #require(forked["cursor"])
        #expect(forkCursor != cursor)
        #expect(forkCursor["conversation"]?.stringValue?.count == 16)

        let (fork, _) = try await echo.start(thread: "t2", cursor: forkCursor)
        #expect(try await echo.send(fork, "fork a") == "echo-2 turn 3 (start 2): fork a")
        #expect(try await echo.send(fork, "fork b") == "echo-2 turn 4 (start 2): fork b")
        let (source, _) = try await echo.start(cursor: cursor)
        #expect(try await echo.send(source, "source") == "echo-1 turn 3 (start 2): source")

        let missing = await echo.driver.call(
            "fork", ["thread": "t3", "cursor": ["conversation": "0123"], "cwd": "/w"])
        #expect(missing.errorCode == "not-found")
        let badModel = await echo.driver.call(
            "fork", ["thread": "t3", "cursor": cursor, "cwd": "/w", "model": "gpt"])
        #expect(badModel.errorCode == "invalid-request")
    }

    @Test func forkWithAnotherModelNeedsInSessionSwitching() async throws {
        let state = try TemporaryDirectory()
        let (_, cursor) = try await conversation(in: state)
        let restarting = try EchoInstance.create(in: state, options: ["model_switch": "restart"])
        let reply = await restarting.driver.call(
            "fork", ["thread": "t2", "cursor": cursor, "cwd": "/w", "model": "echo-2"])
        #expect(reply.errorCode == "invalid-request")
        let same = try await restarting.driver.call(
            "fork", ["thread": "t2", "cursor": cursor, "cwd": "/w", "model": "echo-1"]
        ).result()
        #expect(same["cursor"] != cursor)
    }
}
