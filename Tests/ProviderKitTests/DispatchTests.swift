import AgentwsJSON
import Testing

@Suite("call: parsing requests, dispatching them and answering")
struct DispatchTests {
    @Test func describeAnswersTheCapabilities() async throws {
        let driver = try ProbeExport.create("describe")
        let result = try await driver.call("describe").result()
        #expect(
            result
                == [
                    "modelSwitch": "restart", "models": ["probe-1"], "canResume": false, "canExport": false,
                    "canImport": false, "canFork": false, "canReplace": false, "transcriptFormat": .null,
                ])
    }

    @Test func startSeesTheConfigurationAndEveryParameter() async throws {
        let driver = try ProbeExport.create("start", options: ["level": 3])
        let result = try await driver.call(
            "start",
            [
                "thread": "t1", "cwd": "/w/src", "model": "probe-1", "runtimeMode": "safe",
                "resumeCursor": ["c": 1],
            ]
        ).result()
        #expect(result["session"] == "probe-t1")
        #expect(result["resumed"] == true)
        #expect(
            result["cursor"]
                == [
                    "instance": "start", "options": ["level": 3], "workspace": "/w",
                    "stateDirectory": "/w/state",
                    "thread": "t1", "cwd": "/w/src", "model": "probe-1", "runtimeMode": "safe",
                    "resumeCursor": ["c": 1],
                ])
    }

    @Test func optionalParametersMayBeNullOrAbsent() async throws {
        let driver = try ProbeExport.create("optional")
        let result = try await driver.call("start", ["thread": "t1", "cwd": "/w", "model": .null]).result()
        #expect(result["resumed"] == false)
        #expect(result["cursor"]?["model"] == .null)
        #expect(result["cursor"]?["runtimeMode"] == .null)
        #expect(result["cursor"]?["resumeCursor"] == .null)
    }

    @Test func sendStreamsEventsBeforeItsCompletion() async throws {
        let driver = try ProbeExport.create("send")
        let result = try await driver.call("send", ["session": "probe-t1", "text": "hello"]).result()
        #expect(result == ["stopReason": "end_turn"])
        #expect(
            driver.host.events == [
                ["session": "probe-t1", "type": "text", "text": "you said: "],
                ["session": "probe-t1", "type": "notice", "text": "a notice"],
                [
                    "session": "probe-t1", "type": "tool_call",
                    "toolCall": ["id": "t1", "title": "look", "status": "completed"],
                ],
                ["session": "probe-t1", "type": "busy", "busy": true],
                ["session": "probe-t1", "type": "text", "text": "hello"],
            ])
    }

    @Test func sendResultCarriesAChangedCursor() async throws {
        let driver = try ProbeExport.create("cursor")
        let result = try await driver.call("send", ["session": "probe-t1", "text": "cancel"]).result()
        #expect(result == ["stopReason": "cancelled", "cursor": ["moved": true]])
    }

    @Test func voidMethodsAnswerAnEmptyObject() async throws {
        let driver = try ProbeExport.create("void")
        #expect(try await driver.call("interrupt", ["session": "probe-t1"]).result() == [:])
        #expect(try await driver.call("stop", ["session": "probe-t1"]).result() == [:])
        #expect(try await driver.call("status", ["session": "probe-t1"]).result() == ["busy": true])
        #expect(try await driver.call("status", ["session": "probe-t2"]).result() == ["busy": false])
    }

    @Test func pluginErrorKeepsItsCodeAndMessage() async throws {
        let driver = try ProbeExport.create("plugin-error")
        let reply = await driver.call("send", ["session": "probe-t1", "text": "plugin error"])
        #expect(reply.json == ["code": "resume-failed", "message": "conversation c9 is gone"])
        let missing = await driver.call("interrupt", ["session": "nope"])
        #expect(missing.json == ["code": "not-found", "message": "no session nope"])
    }

    @Test func otherErrorsAreProviderFailedWithTheirDescription() async throws {
        let driver = try ProbeExport.create("other-error")
        let reply = await driver.call("send", ["session": "probe-t1", "text": "other error"])
        #expect(reply.json == ["code": "provider-failed", "message": "the probe broke down"])
    }

    @Test func unknownMethodIsUnsupported() async throws {
        let driver = try ProbeExport.create("unknown-method")
        let reply = await driver.call("rewind", ["session": "probe-t1"])
        #expect(reply.errorCode == "unsupported")
        #expect(
            reply.errorMessage
                == "unknown method \"rewind\"; the methods are describe, start, send, interrupt, status, stop, "
                + "export, import, fork"
        )
    }

    @Test(arguments: [
        ("{\"method\": ", "the request is not valid JSON: line 1, column 12"),
        ("[1]", "request: expected an object, found [1]"),
        ("{\"params\": {}}", "request.method: missing, expected a string"),
        ("{\"method\": 7}", "request.method: expected a string, found 7"),
        ("{\"method\": \"status\", \"params\": []}", "params: expected an object, found []"),
        ("{\"method\": \"status\"}", "params.session: missing, expected a string"),
        (
            "{\"method\": \"start\", \"params\": {\"thread\": 1, \"cwd\": \"/\"}}",
            "params.thread: expected a string, found 1"
        ),
        (
            "{\"method\": \"send\", \"params\": {\"session\": \"s\", \"text\": \"x\", \"model\": false}}",
            "params.model: expected a string or null, found false"
        ),
    ])
    func malformedRequestIsAnInvalidRequest(request: String, message: String) async throws {
        let driver = try ProbeExport.create("malformed")
        let reply = await driver.call(raw: Array(request.utf8))
        #expect(reply.errorCode == "invalid-request")
        #expect(reply.errorMessage?.hasPrefix(message) == true, "\(reply)")
    }

    @Test func everyCallIsCompletedExactlyOnce() async throws {
        let driver = try ProbeExport.create("once")
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    switch index % 4 {
                    case 0: _ = await driver.call("status", ["session": "probe-t1"])
                    case 1:
                        _ = await driver.call(
                            "send", ["session": .string("probe-t\(index)"), "text": "other error"])
                    case 2: _ = await driver.call(raw: Array("not json".utf8))
                    default: _ = await driver.call("no-such-method")
                    }
                }
            }
        }
        // Counted once every call has had its first answer and the instance is gone.
        driver.destroy()
        #expect(driver.completionCounts.count == 40)
        #expect(driver.completionCounts.allSatisfy { $0 == 1 }, "\(driver.completionCounts)")
    }
}
