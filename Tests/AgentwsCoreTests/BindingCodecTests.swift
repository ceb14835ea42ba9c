import AgentwsCore
import AgentwsJSON
import Testing

/// The exact bytes of binding files are pinned by the files in Golden/: a change to the format must
/// show up as a change to these files in review.
@Suite("Binding canonical form")
struct BindingCodecTests {
    static let created = UTCDateTime(secondsSinceEpoch: 1_796_086_944)

    static func golden(_ name: String) throws -> [UInt8] {
        let directory = String(#filePath.dropLast("BindingCodecTests.swift".count)) + "Golden/"
        return try #require(readFile(directory + name), "missing golden file \(name)")
    }

    static let samples: [(String, Binding)] = {
        guard let fresh = try? ThreadID("fresh"), let codex = try? ThreadID("codex-main"),
            let broken = try? ThreadID("broken.1")
        else { return [] }
        return [
            ("fresh.json", Binding(threadID: fresh, provider: "echo", model: "echo-1", createdAt: created)),
            (
                "codex-main.json",
                Binding(
                    threadID: codex, provider: "codex", model: "gpt-5-codex", status: .active,
                    resumeCursor: ["threadId": "0199a5c2-7e5b-7c31-9c4f-2f1b0a6f2d11"], cwd: "services/api",
                    runtimeMode: "workspace-write", createdAt: created)
            ),
            (
                "broken.1.json",
                Binding(
                    threadID: broken, provider: "acp-agent", model: nil, status: .error,
                    resumeCursor: [
                        "sessionId": "sess_42", "cwd": "/home/dev/proj", "extra": ["a/b": [1, 2.5, true]],
                    ],
                    cwd: ".", lastError: "resume failed: the conversation \"sess_42\" is gone\nsecond line",
                    createdAt: created)
            ),
        ]
    }()

    @Test func encodesToTheGoldenBytes() throws {
        #expect(Self.samples.count == 3)
        for (name, binding) in Self.samples {
            let expected = try Self.golden(name)
            let actual = BindingCodec.encode(binding)
            #expect(actual == expected, "\(name):\n\(String(decoding: actual, as: UTF8.self))")
        }
    }

    @Test func decodesTheGoldenFilesBackToTheSameBinding() throws {
        for (name, binding) in Self.samples {
            let decoded = try BindingCodec.decode(try Self.golden(name), expectedThread: binding.threadID)
            #expect(decoded == binding)
        }
    }

    @Test func reportsSyntaxErrorsWithLineAndColumn() throws {
        let thread = try ThreadID("t1")
        let text = "{\n  \"schemaVersion\": 1,\n  \"threadId\": \"t1\"\n  \"provider\": \"echo\"\n}\n"
        #expect(throws: BindingFileProblem.self) {
            try BindingCodec.decode(Array(text.utf8), expectedThread: thread)
        }
        do {
            _ = try BindingCodec.decode(Array(text.utf8), expectedThread: thread)
        } catch {
            guard case .syntax(let syntax) = error else {
                Issue.record("expected a syntax error, got \(error)")
                return
            }
            #expect(syntax.line == 4 && syntax.column == 3)
            let message = BindingFileError(path: "/w/.agentws/bindings/t1.json", problem: error).description
            #expect(message.hasPrefix("/w/.agentws/bindings/t1.json:4:3: JSON syntax error"))
        }
    }

    @Test func reportsMergeConflictMarkers() throws {
        let thread = try ThreadID("fresh")
        let original = String(decoding: try Self.golden("fresh.json"), as: UTF8.self)
        let conflicted = original.replacingOccurrences(
            of: "  \"model\": \"echo-1\",\n",
            with: "<<<<<<< HEAD\n  \"model\": \"echo-1\",\n=======\n  \"model\": \"echo-2\",\n>>>>>>> other\n"
        )
        #expect(throws: BindingFileProblem.mergeConflict(line: 5)) {
            try BindingCodec.decode(Array(conflicted.utf8), expectedThread: thread)
        }
    }

    @Test func refusesAThreadIDThatDisagreesWithTheFileName() throws {
        #expect(throws: BindingFileProblem.threadMismatch(found: "fresh")) {
            try BindingCodec.decode(try Self.golden("fresh.json"), expectedThread: try ThreadID("other"))
        }
    }

    @Test func readsANewerSchemaLeniently() throws {
        let thread = try ThreadID("fresh")
        var text = String(decoding: try Self.golden("fresh.json"), as: UTF8.self)
        text = text.replacingOccurrences(
            of: "\"schemaVersion\": 1", with: "\"schemaVersion\": 2,\n  \"futureField\": [1]")
        let binding = try BindingCodec.decode(Array(text.utf8), expectedThread: thread)
        #expect(binding.schemaVersion == 2)
        #expect(binding.provider == "echo")
    }

    @Test(arguments: [
        (#""status": "stopped""#, #""status": "paused""#, "\"status\" is \"paused\""),
        (#""cwd": ".""#, #""cwd": "/etc""#, "relative to the workspace root"),
        (#""cwd": ".""#, #""cwd": "a/../../x""#, "stay inside the workspace"),
        (#""provider": "echo""#, #""provider": 3"#, "\"provider\" must be a string"),
        (#""resumeCursor": null"#, #""resumeCursor": "abc""#, "\"resumeCursor\" must be an object"),
        (#""createdAt": "2026-12-01T01:02:24Z""#, #""createdAt": "soon""#, "not an RFC 3339 time"),
        (#""model": "echo-1""#, #""model": "echo-1", "extra": 1"#, "unknown field \"extra\""),
    ])
    func refusesInvalidFields(original: String, replacement: String, reason: String) throws {
        let thread = try ThreadID("fresh")
        let text = String(decoding: try Self.golden("fresh.json"), as: UTF8.self)
        #expect(text.contains(original))
        let changed = text.replacingOccurrences(of: original, with: replacement)
        do {
            _ = try BindingCodec.decode(Array(changed.utf8), expectedThread: thread)
            Issue.record("accepted an invalid binding: \(replacement)")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
        }
    }
}
