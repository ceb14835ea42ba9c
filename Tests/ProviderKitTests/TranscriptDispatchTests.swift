import AgentwsJSON
import CAgentwsProvider
import Testing

@testable import ProviderKit

/// Runs requests through the kit's dispatch (what `call` does after parsing), answering the way
/// the completion would.
struct Dispatcher {
    let plugin: any ProviderPlugin

    static func transcripts() throws -> Dispatcher {
        Dispatcher(plugin: try TranscriptProbePlugin(configuration: configuration, host: host))
    }

    static func probe() throws -> Dispatcher {
        Dispatcher(plugin: try ProbePlugin(configuration: configuration, host: host))
    }

    private static let configuration = PluginConfiguration(
        instanceName: "dispatch", options: [:], workspace: "/w", stateDirectory: "/w/state")
    private static let host = PluginHost(events: { _, _ in }, log: { _, _ in })

    func call(_ method: String, _ params: JSONValue = [:]) async -> Reply {
        let request = JSONWriter.compact(["method": .string(method), "params": params])
        let answer: Result<JSONValue, PluginError>
        do {
            answer = await (try MethodCall(parsing: request)).run(on: plugin)
        } catch {
            answer = .failure(error)
        }
        switch answer {
        case .success(let result): return Reply(status: Int32(AGENTWS_CALL_OK), json: result)
        case .failure(let error): return Reply(status: Int32(AGENTWS_CALL_ERROR), json: error.json)
        }
    }
}

@Suite("ABI 1.1: export, import and fork, advertised by conformance")
struct TranscriptDispatchTests {
    @Test func describeAdvertisesTheMethodsAPluginConformsTo() async throws {
        let driver = try Dispatcher.transcripts()
        #expect(
            try await driver.call("describe").result()
                == [
                    "modelSwitch": "in-session", "models": .null, "canResume": true, "canExport": true,
                    "canImport": true, "canFork": true, "canReplace": false, "transcriptFormat": "probe-text",
                ])
    }

    @Test func exportImportAndForkReceiveTheirParameters() async throws {
        let driver = try Dispatcher.transcripts()
        let exported = try await driver.call(
            "export", ["thread": "t1", "cursor": ["id": 1], "cwd": "/w", "path": "/w/state/x"]
        ).result()
        #expect(exported == ["format": "t1|/w|/w/state/x"])
        let withoutThread = try await driver.call("export", ["cursor": "c", "cwd": "/w", "path": "/p"])
            .result()
        #expect(withoutThread == ["format": "|/w|/p"])

        let imported = try await driver.call(
            "import",
            ["thread": "t2", "cwd": "/v", "path": "/v/state/y", "format": "probe-text", "cursor": ["id": 1]]
        ).result()
        #expect(
            imported
                == [
                    "cursor": [
                        "thread": "t2", "cwd": "/v", "path": "/v/state/y", "format": "probe-text",
                        "cursor": ["id": 1],
                    ]
                ])
        let noCursor = try await driver.call(
            "import", ["thread": "t2", "cwd": "/v", "path": "/p", "format": "probe-text", "cursor": .null]
        ).result()
        #expect(noCursor["cursor"]?["cursor"] == .null)

        let forked = try await driver.call(
            "fork",
            [
                "thread": "t3", "source": "t1", "cursor": ["id": 1], "cwd": "/w", "model": "m",
                "runtimeMode": .null,
            ]
        ).result()
        #expect(
            forked
                == [
                    "cursor": [
                        "thread": "t3", "cursor": ["id": 1], "cwd": "/w", "model": "m", "runtimeMode": .null,
                    ]
                ])
    }

    /// `replace` reaches only a plugin that conforms to `TranscriptReplacing`: one that imports but
    /// does not replace answers `unsupported` instead of placing a copy the host would take for done.
    @Test func aReplaceReachesOnlyAPluginThatCanReplace() async throws {
        let driver = try Dispatcher.transcripts()
        let refused = await driver.call(
            "import",
            [
                "thread": "t2", "cwd": "/v", "path": "/p", "format": "probe-text", "cursor": ["id": 1],
                "replace": true,
            ])
        #expect(refused.json["code"] == "unsupported")
        #expect(
            refused.json["message"]?.stringValue?.hasSuffix("cannot replace its copy of a conversation")
                == true)
        let plain = try await driver.call(
            "import",
            [
                "thread": "t2", "cwd": "/v", "path": "/p", "format": "probe-text", "cursor": ["id": 1],
                "replace": false,
            ]
        ).result()
        #expect(plain["cursor"]?["cursor"] == ["id": 1])
        #expect(ImportRequest(thread: "t", cwd: "/", path: "/p", format: "f", cursor: nil).replace == false)
    }

    @Test func aPluginErrorOfAnExportKeepsItsCode() async throws {
        let driver = try Dispatcher.transcripts()
        let reply = await driver.call("export", ["cursor": "gone", "cwd": "/w", "path": "/p"])
        #expect(reply.json == ["code": "not-found", "message": "no conversation gone"])
    }

    @Test func aPluginWithoutThemAdvertisesNothingAndAnswersUnsupported() async throws {
        let driver = try Dispatcher.probe()
        let described = try await driver.call("describe").result()
        #expect(described["canExport"] == false)
        #expect(described["canImport"] == false)
        #expect(described["canFork"] == false)
        #expect(described["transcriptFormat"] == .null)
        let export = await driver.call("export", ["cursor": "c", "cwd": "/w", "path": "/p"])
        #expect(export.json == ["code": "unsupported", "message": "plugin probe cannot export transcripts"])
        let importReply = await driver.call(
            "import", ["thread": "t", "cwd": "/w", "path": "/p", "format": "f"])
        #expect(
            importReply.json == ["code": "unsupported", "message": "plugin probe cannot import transcripts"])
        let fork = await driver.call("fork", ["thread": "t", "cursor": "c", "cwd": "/w"])
        #expect(fork.json == ["code": "unsupported", "message": "plugin probe cannot fork conversations"])
    }

    /// A request with a bad member and the message it gets.
    struct Malformed: Sendable, CustomTestStringConvertible {
        let method: String
        let params: JSONValue
        let message: String
        var testDescription: String { message }
    }

    static let malformed: [Malformed] = [
        Malformed(
            method: "export", params: ["cwd": "/w", "path": "/p"],
            message: "params.cursor: missing, expected a value"),
        Malformed(
            method: "export", params: ["cursor": .null, "cwd": "/w", "path": "/p"],
            message: "params.cursor: expected a value, found null"),
        Malformed(
            method: "export", params: ["cursor": "c", "cwd": "/w"],
            message: "params.path: missing, expected a string"),
        Malformed(
            method: "import", params: ["thread": "t", "cwd": "/w", "path": "/p"],
            message: "params.format: missing, expected a string"),
        Malformed(
            method: "import", params: ["thread": "t", "cwd": "/w", "path": 3, "format": "f"],
            message: "params.path: expected a string, found 3"),
        Malformed(
            method: "fork", params: ["thread": "t", "cwd": "/w"],
            message: "params.cursor: missing, expected a value"),
        Malformed(
            method: "fork", params: ["thread": "t", "cursor": "c", "cwd": "/w", "model": 1],
            message: "params.model: expected a string or null, found 1"),
    ]

    @Test(arguments: malformed)
    func malformedParametersAreInvalidRequests(_ request: Malformed) async throws {
        let driver = try Dispatcher.transcripts()
        let reply = await driver.call(request.method, request.params)
        #expect(reply.errorCode == "invalid-request")
        #expect(reply.errorMessage == request.message, "\(reply)")
    }
}
