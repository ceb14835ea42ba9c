import AgentwsJSON
import AgentwsTestSupport
import CAgentwsProvider
import Foundation
import Testing

/// The built echo plugin, driven through dlopen and its C entry table.
@Suite("The echo plugin, loaded from libAgentwsEcho.so")
struct EchoPluginTests {
    @Test func magicBlockNamesEcho() throws {
        let magic = try EchoLibrary.magic()
        #expect(magic.magic == 0x4147_5753_5052_5631)
        #expect(magic.abi_major == UInt32(AGENTWS_PROVIDER_ABI_MAJOR))
        #expect(magic.plugin_name.map { String(cString: $0) } == "echo")
        #expect(magic.toolchain.map { String(cString: $0) }?.hasPrefix("swift-6.") == true)
    }

    @Test func describeReportsTheModelsAndTheConfiguredModelSwitch() async throws {
        let state = try TemporaryDirectory()
        let plain = try EchoInstance.create(in: state)
        #expect(
            try await plain.driver.call("describe").result()
                == [
                    "modelSwitch": "in-session", "models": ["echo-1", "echo-2"], "canResume": true,
                    "canExport": true, "canImport": true, "canFork": true, "canReplace": true,
                    "transcriptFormat": "echo-json",
                ])
        let restarting = try EchoInstance.create(in: state, options: ["model_switch": "restart"])
        #expect(try await restarting.driver.call("describe").result()["modelSwitch"] == "restart")
    }

    @Test func repliesCountTurnsAndStreamWordByWord() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let start = try await echo.driver.call("start", ["thread": "t1", "cwd": "/w"]).result()
        #expect(start["resumed"] == false)
        let session = try #require(start["session"]?.stringValue)
        #expect(try await echo.send(session, "hello there") == "echo-1 turn 1 (start 1): hello there")
        #expect(try await echo.send(session, "again") == "echo-1 turn 2 (start 1): again")
        let chunks = echo.host.events(of: session).filter { $0["type"] == "text" }.compactMap {
            $0["text"]?.stringValue
        }
        #expect(chunks.prefix(7) == ["echo-1 ", "turn ", "1 ", "(start ", "1): ", "hello ", "there"])
    }

    @Test func conversationIsStoredUnderTheStateDirectory() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (session, cursor) = try await echo.start()
        _ = try await echo.send(session, "one")
        let id = try #require(cursor["conversation"]?.stringValue)
        #expect(cursor == ["conversation": .string(id)])
        let file = try Data(contentsOf: URL(fileURLWithPath: "\(state.path)/conversations/\(id).json"))
        let stored = try JSONParser.parse(bytes: Array(file))
        #expect(stored["turns"] == 1)
        #expect(stored["starts"] == 1)
        #expect(stored["thread"] == "t1")
        #expect(stored["model"] == "echo-1")
        #expect(
            stored["transcript"]
                == [
                    ["role": "user", "text": "one"],
                    ["role": "echo", "text": "echo-1 turn 1 (start 1): one"],
                ])
    }

    @Test func resumeInAFreshInstanceContinuesCounting() async throws {
        let state = try TemporaryDirectory()
        let first = try EchoInstance.create(in: state)
        let (session, cursor) = try await first.start()
        _ = try await first.send(session, "one")
        _ = try await first.send(session, "two")
        #expect(try await first.driver.call("stop", ["session": .string(session)]).result() == [:])
        first.driver.destroy()

        let second = try EchoInstance.create(in: state)
        let resumed = try await second.driver.call(
            "start", ["thread": "t1", "cwd": "/w", "resumeCursor": cursor]
        )
        .result()
        #expect(resumed["resumed"] == true)
        #expect(resumed["cursor"] == cursor)
        let again = try #require(resumed["session"]?.stringValue)
        #expect(try await second.send(again, "three") == "echo-1 turn 3 (start 2): three")
    }

    @Test func freshConversationStartsAtOne() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (oldSession, oldCursor) = try await echo.start()
        _ = try await echo.send(oldSession, "one")
        let (session, cursor) = try await echo.start()
        #expect(cursor != oldCursor)
        #expect(try await echo.send(session, "first") == "echo-1 turn 1 (start 1): first")
    }

    @Test func forgottenConversationCannotBeResumed() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (session, cursor) = try await echo.start()
        #expect(try await echo.send(session, "bye [echo:forget]") == "echo-1 turn 1 (start 1): bye")
        let id = try #require(cursor["conversation"]?.stringValue)
        #expect(echo.host.events(of: session).contains { $0["type"] == "notice" })
        // The live session goes on; only resuming fails.
        #expect(try await echo.send(session, "still here") == "echo-1 turn 2 (start 1): still here")
        _ = try await echo.driver.call("stop", ["session": .string(session)]).result()

        let reply = await echo.driver.call("start", ["thread": "t1", "cwd": "/w", "resumeCursor": cursor])
        #expect(reply.errorCode == "resume-failed")
        #expect(reply.errorMessage?.contains(id) == true, "\(reply)")
    }

    @Test func unknownConversationIsAResumeFailure() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let reply = await echo.driver.call(
            "start", ["thread": "t1", "cwd": "/w", "resumeCursor": ["conversation": "0123456789abcdef"]])
        #expect(reply.errorCode == "resume-failed")
        #expect(reply.errorMessage?.contains("conversation 0123456789abcdef is gone") == true, "\(reply)")
    }

    @Test func failResumeRefusesEveryResume() async throws {
        let state = try TemporaryDirectory()
        let (_, cursor) = try await EchoInstance.create(in: state).start()
        let refusing = try EchoInstance.create(in: state, options: ["fail_resume": true])
        let reply = await refusing.driver.call(
            "start", ["thread": "t1", "cwd": "/w", "resumeCursor": cursor])
        #expect(reply.errorCode == "resume-failed")
        #expect(reply.errorMessage?.contains("fail_resume") == true, "\(reply)")
    }

    @Test(arguments: [["conversation": "../../etc/passwd"], ["thread": "x"], "abc"] as [JSONValue])
    func foreignCursorIsAnInvalidRequest(cursor: JSONValue) async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let reply = await echo.driver.call("start", ["thread": "t1", "cwd": "/w", "resumeCursor": cursor])
        #expect(reply.errorCode == "invalid-request")
        #expect(reply.errorMessage?.contains("not an echo cursor") == true, "\(reply)")
    }

    @Test(.timeLimit(.minutes(3)))
    func interruptEndsASlowTurnAsCancelled() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (session, _) = try await echo.start()
        async let slow = echo.driver.call(
            "send", ["session": .string(session), "text": "[echo:tool][echo:sleep 600000] x"])
        // The tool call is reported before the wait starts.
        _ = await echo.host.event { $0["type"] == "tool_call" }
        #expect(
            try await echo.driver.call("status", ["session": .string(session)]).result() == ["busy": true])
        #expect(try await echo.driver.call("interrupt", ["session": .string(session)]).result() == [:])
        #expect(try await slow.result() == ["stopReason": "cancelled"])
        #expect(echo.host.text(of: session) == "")
        #expect(try await echo.send(session, "next") == "echo-1 turn 2 (start 1): next")
    }

    @Test(.timeLimit(.minutes(3)))
    func delayOptionSlowsEveryTurn() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state, options: ["delay_ms": 600_000])
        let (session, _) = try await echo.start()
        async let slow = echo.driver.call("send", ["session": .string(session), "text": "[echo:tool] x"])
        _ = await echo.host.event { $0["type"] == "tool_call" }
        _ = try await echo.driver.call("interrupt", ["session": .string(session)]).result()
        #expect(try await slow.result() == ["stopReason": "cancelled"])
    }

    @Test(.timeLimit(.minutes(3)))
    func busyDirectiveReportsBackgroundWork() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (session, _) = try await echo.start()
        #expect(try await echo.send(session, "[echo:busy 600000] work") == "echo-1 turn 1 (start 1): work")
        #expect(
            echo.host.events(of: session).last == ["session": .string(session), "type": "busy", "busy": true])
        #expect(
            try await echo.driver.call("status", ["session": .string(session)]).result() == ["busy": true])

        // Short work ends by itself: busy false, then the status follows.
        _ = try await echo.send(session, "[echo:busy 1] short")
        _ = await echo.host.event { $0["type"] == "busy" && $0["busy"] == false }
        #expect(
            try await echo.driver.call("status", ["session": .string(session)]).result() == ["busy": false])
    }

    @Test func failDirectiveFailsTheTurn() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (session, _) = try await echo.start()
        let reply = await echo.driver.call("send", ["session": .string(session), "text": "[echo:fail]"])
        #expect(reply.errorCode == "provider-failed")
        #expect(reply.errorMessage?.contains("failed as asked") == true, "\(reply)")
        #expect(try await echo.send(session, "ok") == "echo-1 turn 2 (start 1): ok")
    }

    @Test func toolDirectiveReportsAToolCall() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (session, _) = try await echo.start()
        _ = try await echo.send(session, "look [echo:tool]")
        let call = try #require(echo.host.events(of: session).first { $0["type"] == "tool_call" })
        #expect(call["toolCall"]?["status"] == "completed")
        #expect(call["toolCall"]?["title"] == "echo")
    }

    @Test func badDirectiveIsRefusedWithoutCountingATurn() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (session, _) = try await echo.start()
        for text in ["[echo:dance]", "[echo:sleep soon]", "[echo:fail now]", "[echo:sleep 5"] {
            let reply = await echo.driver.call("send", ["session": .string(session), "text": .string(text)])
            #expect(reply.errorCode == "invalid-request", "\(text): \(reply)")
        }
        #expect(try await echo.send(session, "ok") == "echo-1 turn 1 (start 1): ok")
    }

    @Test func modelsAreValidated() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let reply = await echo.driver.call("start", ["thread": "t1", "cwd": "/w", "model": "gpt-9"])
        #expect(reply.errorCode == "invalid-request")
        #expect(reply.errorMessage == "echo has no model \"gpt-9\"; its models are echo-1, echo-2")
        let (session, _) = try await echo.start(model: "echo-2")
        #expect(try await echo.send(session, "hi") == "echo-2 turn 1 (start 1): hi")
        let bad = await echo.driver.call(
            "send", ["session": .string(session), "text": "x", "model": "echo-9"])
        #expect(bad.errorCode == "invalid-request")
    }

    @Test func inSessionModelSwitchUsesTheNewModel() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        let (session, cursor) = try await echo.start()
        #expect(try await echo.send(session, "a") == "echo-1 turn 1 (start 1): a")
        #expect(try await echo.send(session, "b", model: "echo-2") == "echo-2 turn 2 (start 1): b")
        #expect(try await echo.send(session, "c") == "echo-2 turn 3 (start 1): c")
        _ = try await echo.driver.call("stop", ["session": .string(session)]).result()
        let (resumed, _) = try await echo.start(cursor: cursor)
        #expect(try await echo.send(resumed, "d") == "echo-2 turn 4 (start 2): d")
    }

    @Test func restartModelSwitchRefusesAChangeInSession() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state, options: ["model_switch": "restart"])
        let (session, cursor) = try await echo.start()
        let reply = await echo.driver.call(
            "send", ["session": .string(session), "text": "b", "model": "echo-2"])
        #expect(reply.errorCode == "invalid-request")
        #expect(reply.errorMessage?.contains("needs a restart") == true, "\(reply)")
        #expect(try await echo.send(session, "same", model: "echo-1") == "echo-1 turn 1 (start 1): same")
        let resume = await echo.driver.call(
            "start", ["thread": "t1", "cwd": "/w", "model": "echo-2", "resumeCursor": cursor])
        #expect(resume.errorCode == "invalid-request")
    }

    @Test(
        arguments: [
            (["colour": "red"], "unknown option \"colour\""),
            (["model_switch": "sometimes"], "options.model_switch: expected"),
            (["delay_ms": -1], "options.delay_ms: expected"),
            (["fail_resume": "yes"], "options.fail_resume: expected"),
        ] as [(JSONValue, String)])
    func badOptionsAreRefusedAtCreate(options: JSONValue, problem: String) throws {
        let state = try TemporaryDirectory()
        let configuration = EchoInstance.configuration(stateDirectory: state.path, options: options)
        switch PluginDriver.create(entry: try EchoLibrary.entry(), configuration: configuration) {
        case .success: Issue.record("create accepted options \(options)")
        case .failure(let refused):
            #expect(refused.code == "invalid-request")
            #expect(
                refused.message?.hasPrefix("provider \"echo\" (echo): \(problem)") == true, "\(refused.json)")
        }
    }

    @Test func unknownSessionIsNotFound() async throws {
        let state = try TemporaryDirectory()
        let echo = try EchoInstance.create(in: state)
        for method in ["send", "interrupt", "status", "stop"] {
            let reply = await echo.driver.call(method, ["session": "session-9", "text": "x"])
            #expect(reply.errorCode == "not-found", "\(method): \(reply)")
        }
    }
}
