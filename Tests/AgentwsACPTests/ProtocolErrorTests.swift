import AgentwsACP
import AgentwsCore
import AgentwsJSON
import Testing

@Suite("ACP: hostile and malformed input")
struct ProtocolErrorTests {
    func send(_ harness: AgentHarness, line: String) async -> [JSONValue] {
        await harness.connection.handle(line: Array(line.utf8))
        return harness.takeSent()
    }

    @Test func malformedJSONIsAParseErrorWithANullID() async {
        let harness = AgentHarness()
        let sent = await send(harness, line: #"{"jsonrpc": "2.0", "id": 1, "method": "initialize""#)
        #expect(sent.count == 1)
        #expect(sent.first?["id"] == .null)
        #expect(sent.first?["error"]?["code"] == -32700)
        #expect(sent.first?["error"]?["data"]?["exitCode"] == 64)
    }

    @Test(arguments: [
        (#"[{"jsonrpc": "2.0", "id": 1, "method": "initialize"}]"#, "batches"),
        (#""hello""#, "expected an object"),
        (#"{"id": 1, "method": "initialize"}"#, "jsonrpc"),
        (#"{"jsonrpc": "2.0", "id": 1, "method": 5}"#, "method"),
        (#"{"jsonrpc": "2.0", "id": 1.5, "method": "initialize"}"#, "id"),
        (#"{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": 3}"#, "params"),
        (#"{"jsonrpc": "2.0", "id": 2}"#, "method"),
    ])
    func invalidRequestsAreAnsweredWithInvalidRequest(line: String, mentions: String) async {
        let harness = AgentHarness()
        let sent = await send(harness, line: line)
        #expect(sent.count == 1)
        #expect(sent.first?["error"]?["code"] == -32600, "\(sent)")
        #expect(sent.first?["error"]?["message"]?.stringValue?.contains(mentions) == true, "\(sent)")
    }

    @Test func unknownMethodsAndWrongParamsAreTheirErrors() async throws {
        let harness = AgentHarness()
        let unknown = try await harness.error("session/teleport", [:])
        #expect(unknown["code"] == -32601)
        let wrongType = try await harness.error("session/prompt", ["sessionId": 5, "prompt": []])
        #expect(wrongType["code"] == -32602)
        #expect(wrongType["message"] == "session/prompt: params.sessionId: expected a string, found 5")
        let missing = try await harness.error("initialize", [:])
        #expect(missing["message"] == "initialize: params.protocolVersion: missing, expected a whole number")
        _ = try await harness.newSession("t1")
        let image = try await harness.error(
            "session/prompt",
            ["sessionId": "t1", "prompt": [["type": "image", "data": "", "mimeType": "image/png"]]])
        #expect(image["message"]?.stringValue?.contains("text only") == true)
        let empty = try await harness.error("session/prompt", ["sessionId": "t1", "prompt": []])
        #expect(empty["message"]?.stringValue?.contains("no text") == true)
        #expect(try harness.binding("t1") == nil)
    }

    @Test func notificationsAndResponsesGetNoAnswer() async {
        let harness = AgentHarness()
        #expect(await send(harness, line: #"{"jsonrpc": "2.0", "method": "something/else"}"#).isEmpty)
        #expect(
            await send(harness, line: #"{"jsonrpc": "2.0", "method": "session/cancel", "params": {}}"#)
                .isEmpty)
        #expect(await send(harness, line: #"{"jsonrpc": "2.0", "id": 9, "result": {}}"#).isEmpty)
    }

    @Test func anOversizedLineIsRefusedWithAnError() {
        let harness = AgentHarness()
        harness.connection.refuseOversizedLine(limit: 1024)
        let sent = harness.takeSent()
        #expect(sent.first?["id"] == .null)
        #expect(sent.first?["error"]?["code"] == -32600)
        #expect(sent.first?["error"]?["message"]?.stringValue?.contains("1024 bytes") == true)
    }

    @Test func requestsAreRefusedDuringShutdown() async throws {
        let harness = AgentHarness()
        harness.agent.beginShutdown()
        let error = try await harness.error("session/list")
        #expect(error["message"]?.stringValue?.contains("shutting down") == true)
    }
}
