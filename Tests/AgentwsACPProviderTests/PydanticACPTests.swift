import AgentwsJSON
import Foundation
import Testing

extension ACPProviderTests {
    /// pydantic-acp (a third-party ACP adapter for pydantic-ai agents) offers its models as a session
    /// config option of category `model`, so a model change keeps the conversation: agentws selects
    /// the model with `session/set_config_option`. Its answers count the user messages the model was
    /// given, so the tests see the conversation carried along.
    @Suite("pydantic-acp")
    struct PydanticACPTests {
        @Test func theModelOptionMakesModelChangesInSession() throws {
            let acp = try ACPWorkspace(defaultModel: "pyd/echo-a")
            defer { acp.close() }
            let providers = try acp.run("providers", "--json")
            let described = try JSONParser.parse(providers.stdout)
            let instance = try #require(described["providers"]?.arrayValue?.first { $0["name"] == "pyd" })
            #expect(instance["capabilities"]?["modelSwitch"] == "in-session", "\(instance)")
            #expect(instance["capabilities"]?["models"] == ["echo-a", "echo-b"], "\(instance)")
            #expect(instance["capabilities"]?["canResume"] == true, "\(instance)")

            let first = try acp.run("send", "--thread", "m1", "one")
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout == "echo-a#1: one\n", "\(first)")
            let session = try acp.cursorSession("m1")

            let switched = try acp.run("send", "--thread", "m1", "--model", "pyd/echo-b", "two")
            #expect(switched.status == 0, "\(switched)")
            #expect(switched.stdout == "echo-b#2: two\n", "\(switched)")
            #expect(switched.stderr.contains("now uses model pyd/echo-b (same conversation)"), "\(switched)")
            #expect(try acp.cursorSession("m1") == session)
            #expect(try acp.binding("m1")["model"] == "echo-b")

            // The next process starts the session with the bound model again.
            let third = try acp.run("send", "--thread", "m1", "three")
            #expect(third.status == 0, "\(third)")
            #expect(third.stdout == "echo-b#3: three\n", "\(third)")

            let refused = try acp.run("send", "--thread", "m1", "--model", "pyd/echo-c", "four")
            #expect(refused.status != 0, "\(refused)")
            #expect(refused.stderr.contains("echo-a, echo-b"), "\(refused)")
            #expect(acp.agentsGone())
        }

        @Test func aSessionItDoesNotHaveIsAResumeFailure() throws {
            let acp = try ACPWorkspace(defaultModel: "pyd/echo-a")
            defer { acp.close() }
            // pydantic-acp answers -32602 "Invalid params" with the session id in its data.
            try acp.writeBinding("lost", provider: "pyd", model: "echo-a", cursor: ["sessionId": "0123abcd"])
            let before = acp.bindingText("lost")
            let result = try acp.run("send", "--thread", "lost", "hello?")
            #expect(result.status == 6, "\(result)")
            #expect(result.stderr.contains("no session 0123abcd"), "\(result)")
            #expect(acp.bindingText("lost") == before)
        }
    }
}
