import AgentwsACP
import AgentwsCore
import AgentwsJSON
import Testing

@Suite("ACP: session methods")
struct SessionMethodTests {
    @Test func initializeAdvertisesListResumeCloseAndFork() async throws {
        let harness = AgentHarness()
        let result = try await harness.result(
            "initialize", ["protocolVersion": 1, "clientCapabilities": [:]])
        #expect(result["protocolVersion"] == 1)
        let capabilities = try #require(result["agentCapabilities"])
        #expect(capabilities["loadSession"] == false)
        #expect(
            capabilities["sessionCapabilities"] == ["list": [:], "resume": [:], "close": [:], "fork": [:]])
        #expect(result["agentInfo"]?["name"] == "agentws" && result["agentInfo"]?["version"] == "9.9.9")
        #expect(result["_meta"]?["agentws"]?["extensions"]?.arrayValue?.contains("_agentws/stop") == true)
        #expect(result["_meta"]?["agentws"]?["extensions"]?.arrayValue?.contains("_agentws/fork") == true)
        // A newer client gets the version agentws speaks.
        #expect(try await harness.result("initialize", ["protocolVersion": 7])["protocolVersion"] == 1)
    }

    @Test func aPromptAnswerCarriesACPsUsageWhenTheProviderReportsIt() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1", meta: [:])
        let (plain, _) = await harness.request("session/prompt", AgentHarness.prompt("t1", "hi"))
        #expect(plain["result"]?["usage"] == nil, "no usage reported, none invented")
        let (metered, _) = await harness.request("session/prompt", AgentHarness.prompt("t1", "metered"))
        // ACP's Usage needs the total: input (cached included) plus output.
        #expect(
            metered["result"]?["usage"]
                == ["inputTokens": 40, "outputTokens": 5, "totalTokens": 45, "cachedReadTokens": 30])
    }

    @Test func aNewSessionBindsOnItsFirstPromptAndStreamsTheReply() async throws {
        let harness = AgentHarness()
        let new = try await harness.newSession("t1", meta: ["model": "m2"])
        #expect(new["sessionId"] == "t1")
        let option = try #require(new["configOptions"]?.arrayValue?.first)
        #expect(
            option["id"] == "model" && option["type"] == "select" && option["currentValue"] == "script/m2")
        #expect(option["options"]?.arrayValue?.contains(["value": "other/m1", "name": "other/m1"]) == true)
        #expect(try harness.binding("t1") == nil)

        let (response, notifications) = await harness.request(
            "session/prompt", AgentHarness.prompt("t1", "hi there"))
        #expect(response["result"]?["stopReason"] == "end_turn")
        #expect(response["result"]?["_meta"]?["agentws"]?["start"] == "fresh")
        #expect(AgentHarness.replyText(notifications) == "turn 1 (session model): hi there")
        #expect(harness.backend.starts.map(\.model) == ["m2"])
        #expect(notifications.count > 1)
        #expect(notifications.allSatisfy { $0["params"]?["sessionId"] == "t1" })
        let binding = try #require(try harness.binding("t1"))
        #expect(binding.provider == "script" && binding.model == "m2")
        #expect(try harness.isLive("t1"))

        let (warm, _) = await harness.request("session/prompt", AgentHarness.prompt("t1", "again"))
        #expect(warm["result"]?["_meta"]?["agentws"]?["start"] == "warm")
        #expect(harness.backend.starts.count == 1)
    }

    @Test func sessionForkOpensAForkedThreadThatGoesOnIndependently() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        _ = try await harness.result("session/prompt", AgentHarness.prompt("t1", "one"))
        let source = try harness.binding("t1")

        let forked = try await harness.result(
            "session/fork",
            [
                "sessionId": "t1", "cwd": .string(AgentHarness.root), "mcpServers": [],
                "_meta": ["agentws": ["thread": "t1-b"]],
            ])
        #expect(forked["sessionId"] == "t1-b")
        #expect(forked["_meta"]?["agentws"]?["parent"] == "t1")
        #expect(forked["_meta"]?["agentws"]?["method"] == "provider-fork")
        #expect(forked["configOptions"]?.arrayValue?.first?["currentValue"] == "script/m1")
        let fork = try #require(try harness.binding("t1-b"))
        #expect(fork.parent?.thread.rawValue == "t1" && fork.provider == "script")
        #expect(fork.resumeCursor == ["conversation": "conv-2"])
        #expect(try harness.binding("t1") == source)

        let (onFork, forkUpdates) = await harness.request(
            "session/prompt", AgentHarness.prompt("t1-b", "two"))
        #expect(onFork["result"]?["stopReason"] == "end_turn")
        #expect(AgentHarness.replyText(forkUpdates) == "turn 2 (session model): two")
        let (_, sourceUpdates) = await harness.request("session/prompt", AgentHarness.prompt("t1", "two"))
        #expect(AgentHarness.replyText(sourceUpdates) == "turn 2 (session model): two")
        // t1's session stayed warm through the fork.
        #expect(harness.backend.starts.map(\.model) == ["m1", "m1"])
        #expect(harness.backend.starts.last?.resumeCursor == ["conversation": "conv-2"])
        let listed = try await harness.result("session/list")
        let entry = listed["sessions"]?.arrayValue?.first { $0["sessionId"] == "t1-b" }
        #expect(entry?["_meta"]?["agentws"]?["parent"] == "t1")

        // Without a thread, the fork gets a new id; an unknown session is not found.
        let unnamed = try await harness.result(
            "session/fork", ["sessionId": "t1", "cwd": .string(AgentHarness.root)])
        #expect(unnamed["sessionId"]?.stringValue.map { $0 != "t1" && $0 != "t1-b" } == true)
        let missing = try await harness.error(
            "session/fork", ["sessionId": "nobody", "cwd": .string(AgentHarness.root)])
        #expect(missing["data"]?["exitCode"] == 3)
        let taken = try await harness.error(
            "session/fork", ["sessionId": "t1", "_meta": ["agentws": ["thread": "t1-b"]]])
        #expect(taken["data"]?["exitCode"] == 4)
    }

    @Test func aNewSessionWithoutAThreadGetsOneAndIsListedUntilBound() async throws {
        let harness = AgentHarness()
        let new = try await harness.result("session/new", ["cwd": "/ws/src", "mcpServers": []])
        let thread = try #require(new["sessionId"]?.stringValue)
        #expect((try? ThreadID(thread)) != nil)
        let listed = try await harness.result("session/list")
        let entry = try #require(listed["sessions"]?.arrayValue?.first)
        #expect(entry["sessionId"] == .string(thread) && entry["cwd"] == "/ws/src")
        #expect(entry["_meta"]?["agentws"]?["status"] == "unbound")
        _ = try await harness.result("session/prompt", AgentHarness.prompt(thread, "hello"))
        #expect(try harness.binding(thread)?.cwd == "src")
        let bound = try await harness.result("session/list", ["cwd": "/ws/src"])
        #expect(bound["sessions"]?.arrayValue?.first?["_meta"]?["agentws"]?["status"] == "live")
        #expect(try await harness.result("session/list", ["cwd": "/ws"])["sessions"] == [])
    }

    @Test func newSessionRefusesABoundThreadAndACwdOutsideTheWorkspace() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        _ = try await harness.result("session/prompt", AgentHarness.prompt("t1", "hello"))
        let again = try await harness.error(
            "session/new", ["cwd": "/ws", "_meta": ["agentws": ["thread": "t1"]]])
        #expect(again["data"]?["exitCode"] == 4)
        #expect(again["message"]?.stringValue?.contains("session/resume") == true)
        let outside = try await harness.error("session/new", ["cwd": "/elsewhere"])
        #expect(outside["data"]?["exitCode"] == 64)
        #expect(outside["message"]?.stringValue?.contains("outside the workspace") == true)
        let badThread = try await harness.error(
            "session/new", ["cwd": "/ws", "_meta": ["agentws": ["thread": "Bad Id"]]])
        #expect(badThread["message"]?.stringValue?.contains("invalid thread id") == true)
        #expect(badThread["data"]?["exitCode"] == 64)
    }

    @Test func resumeAttachesToABoundThreadAndCloseStopsIt() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        _ = try await harness.result("session/prompt", AgentHarness.prompt("t1", "one"))
        _ = try await harness.result("session/close", ["sessionId": "t1"])
        let stopped = try #require(try harness.binding("t1"))
        #expect(!(try harness.isLive("t1")) && stopped.resumeCursor != nil)

        let resumed = try await harness.result("session/resume", ["sessionId": "t1", "cwd": "/ws"])
        #expect(resumed["_meta"]?["agentws"]?["status"] == "stopped")
        let (response, notifications) = await harness.request(
            "session/prompt", AgentHarness.prompt("t1", "two"))
        #expect(response["result"]?["_meta"]?["agentws"]?["start"] == "resumed")
        #expect(AgentHarness.replyText(notifications) == "turn 2 (session model): two")
        #expect(harness.backend.starts.last?.model == "m1")
        #expect(harness.backend.starts.last?.resumeCursor == ["conversation": "conv-1"])

        let unknown = try await harness.error("session/resume", ["sessionId": "nobody", "cwd": "/ws"])
        #expect(unknown["code"] == -32002 && unknown["data"]?["exitCode"] == 3)
        let unknownPrompt = try await harness.error("session/prompt", AgentHarness.prompt("nobody", "x"))
        #expect(unknownPrompt["data"]?["exitCode"] == 3)
        #expect(try harness.binding("nobody") == nil)
    }

    @Test func theModelIsChosenWithSetConfigOption() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        _ = try await harness.result("session/prompt", AgentHarness.prompt("t1", "one"))
        let set = try await harness.result(
            "session/set_config_option", ["sessionId": "t1", "configId": "model", "value": "script/m2"])
        #expect(set["configOptions"]?.arrayValue?.first?["currentValue"] == "script/m2")
        let (_, notifications) = await harness.request("session/prompt", AgentHarness.prompt("t1", "two"))
        #expect(AgentHarness.replyText(notifications) == "turn 2 (m2): two")
        #expect(try harness.binding("t1")?.model == "m2")

        let otherProvider = try await harness.error(
            "session/set_config_option", ["sessionId": "t1", "configId": "model", "value": "other/m1"])
        #expect(otherProvider["data"]?["exitCode"] == 4)
        #expect(otherProvider["message"]?.stringValue?.contains("agentws unbind t1") == true)
        let unknownModel = try await harness.error(
            "session/set_config_option", ["sessionId": "t1", "configId": "model", "value": "m9"])
        #expect(unknownModel["data"]?["exitCode"] == 64)
        let unknownOption = try await harness.error(
            "session/set_config_option", ["sessionId": "t1", "configId": "mode", "value": "x"])
        #expect(unknownOption["code"] == -32602)
    }

    @Test func toolCallsBecomeToolCallThenToolCallUpdate() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        let (_, notifications) = await harness.request(
            "session/prompt", AgentHarness.prompt("t1", "use a tool"))
        let updates = notifications.compactMap { $0["params"]?["update"] }
            .filter { $0["sessionUpdate"] != "agent_message_chunk" }
        #expect(
            updates == [
                [
                    "sessionUpdate": "tool_call", "toolCallId": "call-1", "title": "look around",
                    "status": "in_progress",
                ],
                [
                    "sessionUpdate": "tool_call_update", "toolCallId": "call-1", "status": "completed",
                    "rawOutput": "done",
                ],
            ])
    }

    @Test func aProvidersThoughtsAndPlansReachTheClientAndOtherEventsDoNot() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        let (_, notifications) = await harness.request("session/prompt", AgentHarness.prompt("t1", "think"))
        let updates = notifications.compactMap { $0["params"]?["update"] }
            .filter { $0["sessionUpdate"] != "agent_message_chunk" }
        // The plan without a priority or status, and the unknown event, are not sent.
        #expect(
            updates == [
                ["sessionUpdate": "agent_thought_chunk", "content": ["type": "text", "text": "pondering"]],
                [
                    "sessionUpdate": "plan",
                    "entries": [["content": "look", "priority": "high", "status": "in_progress"]],
                ],
            ])
    }

    @Test func aCancelSentRightAfterThePromptStopsItBeforeItsTurn() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        let (id, prompt) = harness.makeRequest("session/prompt", AgentHarness.prompt("t1", "hold on"))
        // Taken in order, as a transport does; the cancel is carried out before the prompt runs.
        let work = harness.connection.receive(prompt)
        let cancel = harness.connection.receive(
            ["jsonrpc": "2.0", "method": "session/cancel", "params": ["sessionId": "t1"]])
        await cancel()
        await work()
        let (response, _) = harness.split(harness.takeSent(), id: id)
        #expect(response["result"] == ["stopReason": "cancelled"])
        #expect(harness.backend.starts.count == 0)
        // The session is usable: its first turn is the next prompt's.
        let (next, notifications) = await harness.request("session/prompt", AgentHarness.prompt("t1", "next"))
        #expect(next["result"]?["stopReason"] == "end_turn")
        #expect(AgentHarness.replyText(notifications) == "turn 1 (session model): next")
        #expect(harness.backend.starts.map(\.model) == ["m1"])
    }

    @Test(.timeLimit(.minutes(3)))
    func aCancelThatArrivesWhileTheSessionStartsInterruptsTheTurnAsSoonAsItBegins() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        harness.backend.holdStarts()
        let (id, prompt) = harness.makeRequest("session/prompt", AgentHarness.prompt("t1", "hold on"))
        let work = harness.connection.receive(prompt)
        async let done: Void = work()
        while harness.backend.startsWaiting == 0 { await Task.yield() }
        await harness.connection.receive(
            ["jsonrpc": "2.0", "method": "session/cancel", "params": ["sessionId": "t1"]])()
        harness.backend.releaseStarts()
        await done
        let (response, _) = harness.split(harness.takeSent(), id: id)
        #expect(response["result"]?["stopReason"] == "cancelled")
        #expect(response["result"]?["_meta"]?["agentws"]?["start"] == "fresh")
    }

    @Test func aClientThatGoesAwayMidTurnHasItsTurnInterrupted() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        _ = try await harness.result("session/prompt", AgentHarness.prompt("t1", "one"))
        let before = try harness.binding("t1")
        let (_, prompt) = harness.makeRequest("session/prompt", AgentHarness.prompt("t1", "hold it"))
        let work = harness.connection.receive(prompt)
        async let turn: Void = work()
        while harness.backend.held == 0 { await Task.yield() }
        harness.connection.closed()
        await turn
        #expect(try harness.binding("t1") == before)
        #expect(await harness.service.liveThreads == [try ThreadID("t1")])
    }
}
