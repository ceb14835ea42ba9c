import AgentwsACP
import AgentwsCore
import AgentwsJSON
import Testing

/// Requests on one session run in arrival order even when the transport runs them concurrently.
@Suite("ACP: ordering on a connection")
struct OrderingTests {
    static let newSession: JSONValue = [
        "cwd": "/ws", "mcpServers": [], "_meta": ["agentws": ["thread": "t1"]],
    ]

    /// Takes the messages in order, then runs their work concurrently, last first.
    func runConcurrently(_ harness: AgentHarness, _ messages: [JSONValue]) async {
        let works = messages.map { harness.connection.receive($0) }
        await withTaskGroup(of: Void.self) { group in
            for work in works.reversed() { group.addTask { await work() } }
        }
    }

    @Test func aPipelinedPromptWaitsForItsSessionToBeCreated() async throws {
        let harness = AgentHarness()
        let (_, new) = harness.makeRequest("session/new", Self.newSession)
        let (promptID, prompt) = harness.makeRequest("session/prompt", AgentHarness.prompt("t1", "first"))
        let (listID, list) = harness.makeRequest("session/list", [:])
        await runConcurrently(harness, [new, prompt, list])
        let sent = harness.takeSent()
        let (response, notifications) = harness.split(sent, id: promptID)
        #expect(response["result"]?["stopReason"] == "end_turn", "\(sent)")
        #expect(AgentHarness.replyText(notifications) == "turn 1 (session model): first")
        #expect(harness.backend.starts.map(\.model) == ["m1"])
        #expect(harness.split(sent, id: listID).response["result"] != nil)
    }

    @Test func aPromptCancelledWhileQueuedNeverStartsItsTurn() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        let (firstID, first) = harness.makeRequest("session/prompt", AgentHarness.prompt("t1", "hold"))
        let (secondID, second) = harness.makeRequest("session/prompt", AgentHarness.prompt("t1", "second"))
        let firstWork = harness.connection.receive(first)
        let secondWork = harness.connection.receive(second)
        async let firstDone: Void = firstWork()
        async let secondDone: Void = secondWork()
        while harness.backend.held == 0 { await Task.yield() }
        await harness.connection.receive([
            "jsonrpc": "2.0", "method": "session/cancel", "params": ["sessionId": "t1"],
        ])()
        _ = await (firstDone, secondDone)
        let sent = harness.takeSent()
        #expect(harness.split(sent, id: firstID).response["result"]?["stopReason"] == "cancelled")
        #expect(harness.split(sent, id: secondID).response["result"] == ["stopReason": "cancelled"])
        // Only the held turn reached the provider.
        #expect(harness.backend.turns(of: "conv-1") == 1)
    }

    @Test func closeCancelsTheRunningPromptThenStopsTheSession() async throws {
        let harness = AgentHarness()
        _ = try await harness.newSession("t1")
        _ = try await harness.result("session/prompt", AgentHarness.prompt("t1", "one"))
        let (promptID, prompt) = harness.makeRequest("session/prompt", AgentHarness.prompt("t1", "hold"))
        let promptWork = harness.connection.receive(prompt)
        async let promptDone: Void = promptWork()
        while harness.backend.held == 0 { await Task.yield() }
        let (closeID, close) = harness.makeRequest("session/close", ["sessionId": "t1"])
        await harness.connection.receive(close)()
        await promptDone
        let sent = harness.takeSent()
        #expect(harness.split(sent, id: promptID).response["result"]?["stopReason"] == "cancelled")
        #expect(harness.split(sent, id: closeID).response["result"] == [:])
        #expect(try harness.binding("t1") != nil && !(try harness.isLive("t1")))
    }
}
