import AgentwsJSON
import Foundation
import Testing

extension ACPProviderTests {
    /// `agentws fork` on ACP threads (SPEC §12): `session/fork` where the agent advertises it
    /// (pydantic-acp), `unsupported` naming the agent where it does not (fast-agent, the SDK's example
    /// agents).
    @Suite("fork through session/fork")
    struct ACPForkTests {
        @Test func pydanticACPForksAndBothConversationsGoOnIndependently() throws {
            let acp = try ACPWorkspace(defaultModel: "pyd/echo-a")
            defer { acp.close() }
            for (turn, text) in ["one", "two"].enumerated() {
                let sent = try acp.run("send", "--thread", "src", text)
                #expect(sent.stdout == "echo-a#\(turn + 1): \(text)\n", "\(sent)")
            }
            let before = acp.bindingText("src")
            let session = try acp.cursorSession("src")

            let forked = try acp.run("fork", "src", "--thread", "copy", "--json")
            #expect(forked.status == 0, "\(forked)")
            let result = try JSONParser.parse(forked.stdout)
            #expect(result["method"] == "provider-fork" && result["parent"] == "src", "\(forked)")
            let copy = try acp.cursorSession("copy")
            #expect(copy != session)
            #expect(try acp.binding("copy")["parent"] == ["thread": "src"])
            #expect(try acp.binding("copy")["model"] == "echo-a")
            #expect(acp.bindingText("src") == before)
            #expect(acp.agentsGone(), "the fork left an agent running: \(acp.agentProcesses())")

            // The copy has the two turns behind it, and each conversation counts its own from there.
            let onCopy = try acp.run("send", "--thread", "copy", "three on the copy")
            #expect(onCopy.status == 0 && onCopy.stdout == "echo-a#3: three on the copy\n", "\(onCopy)")
            let onSource = try acp.run("send", "--thread", "src", "three on the source")
            #expect(
                onSource.status == 0 && onSource.stdout == "echo-a#3: three on the source\n", "\(onSource)")
            let again = try acp.run("send", "--thread", "copy", "four on the copy")
            #expect(again.stdout == "echo-a#4: four on the copy\n", "\(again)")
            // Both go on in their own sessions: the cursors never changed.
            #expect(try acp.cursorSession("copy") == copy && acp.bindingText("src") == before)
            #expect(acp.agentsGone())
        }

        @Test func anAgentWithoutSessionForkIsRefusedWithExit4NamingIt() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let sent = try acp.run("send", "--thread", "src", "hello")
            #expect(sent.status == 0, "\(sent)")
            let before = acp.bindingText("src")
            let refused = try acp.run("fork", "src", "--thread", "copy")
            #expect(refused.status == 4, "\(refused)")
            #expect(refused.stderr.contains("cannot fork thread src"), "\(refused)")
            #expect(refused.stderr.contains("fast-agent-acp"), "\(refused)")
            #expect(refused.stderr.contains("does not advertise sessionCapabilities.fork"), "\(refused)")
            #expect(acp.bindingText("copy") == nil)
            #expect(acp.bindingText("src") == before)
            #expect(acp.agentsGone())
        }

        @Test func aSessionThePydanticAgentDoesNotHaveIsNotFound() throws {
            let acp = try ACPWorkspace(defaultModel: "pyd/echo-a")
            defer { acp.close() }
            try acp.writeBinding("lost", provider: "pyd", model: "echo-a", cursor: ["sessionId": "0123abcd"])
            let refused = try acp.run("fork", "lost", "--thread", "copy")
            #expect(refused.status == 3, "\(refused)")
            #expect(refused.stderr.contains("0123abcd"), "\(refused)")
            #expect(acp.bindingText("copy") == nil)
        }
    }
}
