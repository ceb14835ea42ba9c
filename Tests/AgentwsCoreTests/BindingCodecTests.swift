import AgentwsCore
import AgentwsJSON
import AgentwsTestSupport
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
            let forked = try? ThreadID("try-b.2")
        else { return [] }
        return [
            ("fresh.json", Binding(threadID: fresh, provider: "echo", model: "echo-1", createdAt: created)),
            (
                "codex-main.json",
                Binding(
                    threadID: codex, provider: "codex", model: "gpt-5-codex",
                    resumeCursor: ["threadId": "0199a5c2-7e5b-7c31-9c4f-2f1b0a6f2d11"], cwd: "services/api",
                    runtimeMode: "workspace-write", createdAt: created)
            ),
            (
                "try-b.2.json",
                Binding(
                    threadID: forked, provider: "acp-agent", model: nil,
                    resumeCursor: ["sessionId": "sess_42", "extra": ["a/b": [1, 2.5, true]]], cwd: ".",
                    parent: Binding.Parent(thread: codex), createdAt: created)
            ),
        ]
    }()

    /// Schema-1 files as agentws wrote them before schema 2 (Golden/v1/): still read, their volatile
    /// fields kept aside for `state/`.
    static let schema1Samples: [(String, Binding)] = {
        guard let fresh = try? ThreadID("fresh"), let codex = try? ThreadID("codex-main"),
            let broken = try? ThreadID("broken.1")
        else { return [] }
        return [
            (
                "v1/fresh.json",
                Binding(
                    threadID: fresh, provider: "echo", model: "echo-1", createdAt: created, schemaVersion: 1,
                    legacy: .init(status: "stopped", lastError: nil))
            ),
            (
                "v1/codex-main.json",
                Binding(
                    threadID: codex, provider: "codex", model: "gpt-5-codex",
                    resumeCursor: ["threadId": "0199a5c2-7e5b-7c31-9c4f-2f1b0a6f2d11"], cwd: "services/api",
                    runtimeMode: "workspace-write", createdAt: created, schemaVersion: 1,
                    legacy: .init(status: "active", lastError: nil))
            ),
            (
                "v1/broken.1.json",
                Binding(
                    threadID: broken, provider: "acp-agent", model: nil,
                    resumeCursor: [
                        "sessionId": "sess_42", "cwd": "/home/dev/proj", "extra": ["a/b": [1, 2.5, true]],
                    ],
                    cwd: ".", createdAt: created, schemaVersion: 1,
                    legacy: .init(
                        status: "error",
                        lastError: "resume failed: the conversation \"sess_42\" is gone\nsecond line"
                    ))
            ),
        ]
    }()

    @Test func encodesToTheGoldenBytes() throws {
        #expect(Self.samples.count == 3)
        for (name, binding) in Self.samples {
            let expected = try Self.golden(name)
            let actual = try BindingCodec.encode(binding)
            #expect(actual == expected, "\(name):\n\(String(decoding: actual, as: UTF8.self))")
        }
    }

    @Test func decodesTheGoldenFilesBackToTheSameBinding() throws {
        for (name, binding) in Self.samples {
            let decoded = try BindingCodec.decode(try Self.golden(name), expectedThread: binding.threadID)
            #expect(decoded == binding)
        }
    }

    @Test func readsSchema1FilesWithTheirVolatileFieldsAside() throws {
        #expect(Self.schema1Samples.count == 3)
        for (name, binding) in Self.schema1Samples {
            let decoded = try BindingCodec.decode(try Self.golden(name), expectedThread: binding.threadID)
            #expect(decoded == binding, "\(name)")
        }
    }

    @Test func aSchema1FileMeansTheSameAsItsSchema2Rewrite() throws {
        for ((_, old), (_, new)) in zip(Self.schema1Samples.prefix(2), Self.samples.prefix(2)) {
            #expect(old.means(new))
            // Written, it becomes schema 2: no status, no lastError.
            #expect(try BindingCodec.encode(old) == (try Self.golden(new.threadID.rawValue + ".json")))
        }
    }

    @Test(
        arguments: [
            ["conversation": "/home/dev/.echo/c1.json"], ["path": ["nested": "~/x"]],
            ["drive": "C:\\Users\\dev"],
            ["share": "\\\\host\\share"], ["/absolute/key": "value"],
        ] as [JSONValue])
    func refusesToEncodeAnAbsolutePathInTheCursor(cursor: JSONValue) throws {
        let binding = Binding(
            threadID: try ThreadID("t1"), provider: "echo", model: "echo-1", resumeCursor: cursor,
            createdAt: Self.created)
        #expect(throws: NonPortableBinding.self) { try BindingCodec.encode(binding) }
        do {
            _ = try BindingCodec.encode(binding)
        } catch {
            let text = "\(error)"
            #expect(text.contains("thread t1") && text.contains("resumeCursor"))
        }
    }

    @Test func refusesToEncodeAnAbsolutePathInAnyOtherField() throws {
        var binding = Binding(
            threadID: try ThreadID("t1"), provider: "echo", model: "/opt/models/m1", createdAt: Self.created)
        #expect(throws: NonPortableBinding(thread: binding.threadID, field: "model", value: "/opt/models/m1"))
        {
            try BindingCodec.encode(binding)
        }
        binding.model = "m1"
        binding.runtimeMode = "/usr/bin/sandbox"
        #expect(throws: NonPortableBinding.self) { try BindingCodec.encode(binding) }
        binding.runtimeMode = "workspace-write"
        binding.resumeCursor = ["threadId": "a/b", "url": "https://example.invalid/x"]
        #expect(try BindingCodec.encode(binding).isEmpty == false)
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
        #expect(throws: BindingFileProblem.mergeConflict(line: 4, thread: thread)) {
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
            of: "\"schemaVersion\": 2", with: "\"schemaVersion\": 3,\n  \"futureField\": [1]")
        let binding = try BindingCodec.decode(Array(text.utf8), expectedThread: thread)
        #expect(binding.schemaVersion == 3)
        #expect(binding.provider == "echo")
    }

    @Test func refusesAnUnknownSchema1Status() throws {
        let text = String(decoding: try Self.golden("v1/fresh.json"), as: UTF8.self)
            .replacingOccurrences(of: #""status": "stopped""#, with: #""status": "paused""#)
        #expect(
            throws: BindingFileProblem.field(
                JSONFieldError(path: "status", expected: "one of active, stopped, error", found: "paused"))
        ) {
            try BindingCodec.decode(Array(text.utf8), expectedThread: try ThreadID("fresh"))
        }
    }

    @Test func refusesSchema1FieldsInASchema2File() throws {
        let text = String(decoding: try Self.golden("fresh.json"), as: UTF8.self)
            .replacingOccurrences(
                of: #""model": "echo-1","#, with: "\"model\": \"echo-1\",\n  \"status\": \"active\",")
        do {
            _ = try BindingCodec.decode(Array(text.utf8), expectedThread: try ThreadID("fresh"))
            Issue.record("accepted \"status\" in a schema-2 file")
        } catch {
            #expect(
                "\(error)".hasPrefix("status: expected no such member (known: createdAt, cwd, model, parent,")
            )
        }
    }

    @Test(arguments: [
        (
            #""schemaVersion": 2"#, #""schemaVersion": 0"#,
            "schemaVersion: expected a whole number of 1 or more, found 0"
        ),
        (#""schemaVersion": 2,"#, "", "schemaVersion: missing, expected a whole number of 1 or more"),
        (
            #""parent": null"#, #""parent": "codex-main""#,
            #"parent: expected null or {"thread": "<thread id>"}, found "codex-main""#
        ),
        (
            #""parent": null"#, #""parent": {"thread": "Bad Id"}"#,
            #"parent.thread: expected a thread id, found "Bad Id""#
        ),
        (
            #""parent": null"#, #""parent": {"thread": "a", "x": 1}"#,
            "parent.x: expected no such member (known: thread), found 1"
        ),
        (
            #""cwd": ".""#, #""cwd": "/etc""#,
            #"cwd: expected a path relative to the workspace root, found "/etc""#
        ),
        (
            #""cwd": ".""#, #""cwd": "a/../../x""#,
            #"cwd: expected a path inside the workspace, found "a/../../x""#
        ),
        (#""provider": "echo""#, #""provider": 3"#, "provider: expected a non-empty string, found 3"),
        (
            #""resumeCursor": null"#, #""resumeCursor": "abc""#,
            #"resumeCursor: expected an object or null, found "abc""#
        ),
        (
            #""createdAt": "2026-12-01T01:02:24Z""#, #""createdAt": "soon""#,
            #"createdAt: expected an RFC 3339 time, found "soon""#
        ),
        (
            #""model": "echo-1""#, #""model": "echo-1", "extra": 1"#,
            "extra: expected no such member (known: createdAt, cwd, model, parent, provider, resumeCursor, "
                + "runtimeMode, schemaVersion, threadId), found 1"
        ),
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
            #expect(error.description == reason, "\(error)")
        }
    }
}

/// The JSON Schemas in docs/schema/ describe exactly the fields the codec reads and writes.
@Suite("Binding JSON Schemas")
struct BindingSchemaTests {
    static func schema(_ version: Int) throws -> JSONValue {
        let root = BuildProducts.repositoryRoot + "/"
        let path = root + "docs/schema/binding-v\(version).schema.json"
        return try JSONParser.parse(bytes: try #require(readFile(path), "missing \(path)"))
    }

    @Test(arguments: [(1, "v1/codex-main.json"), (2, "codex-main.json")])
    func everyFieldOfTheGoldenFileIsRequiredByItsSchema(version: Int, golden: String) throws {
        let schema = try Self.schema(version)
        let fields = try #require(
            try JSONParser.parse(bytes: try BindingCodecTests.golden(golden)).objectValue)
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        let properties = Set(schema["properties"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(required == Set(fields.keys))
        #expect(properties == Set(fields.keys))
        #expect(schema["properties"]?["schemaVersion"]?["const"] == .integer(Int64(version)))
    }
}
