import AgentwsJSON
import Foundation
import Testing

extension ACPProviderTests {
    /// Broken agents (Tests/Peers/hostile_acp_agent.py) fail the start or the turn with exit 6 and a
    /// message naming the agent and quoting its last stderr lines; none hangs agentws, none is left
    /// running.
    @Suite("hostile agents")
    struct HostileAgentTests {
        struct Case: CustomTestStringConvertible, Sendable {
            var behaviour: String
            var expected: [String]
            var testDescription: String { behaviour }
        }

        static let startFailures: [Case] = [
            Case(
                behaviour: "exit-at-start", expected: ["ended: exit status 3", "last words before trouble"]),
            Case(behaviour: "not-json", expected: ["not JSON", "Welcome to the hostile agent!"]),
            Case(
                behaviour: "silent",
                expected: ["did not answer initialize within 3 s", "initialize_timeout_ms"]),
            Case(behaviour: "huge-line", expected: ["longer than 1048576 bytes", "max_message_bytes"]),
        ]

        @Test(arguments: startFailures)
        func aBrokenAgentFailsTheStart(_ broken: Case) throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let result = try acp.run(
                "send", "--thread", "h1", "--model", "hostile-\(broken.behaviour)/x", "hello")
            #expect(result.status == 6, "\(result)")
            #expect(result.stderr.contains("hostile_acp_agent.py"), "the agent is named: \(result)")
            for text in broken.expected {
                #expect(result.stderr.contains(text), "expected \"\(text)\" in \(result)")
            }
            #expect(acp.bindingText("h1") == nil, "nothing was agreed with the agent")
            #expect(acp.agentsGone(), "left running: \(acp.agentProcesses())")
        }

        static let turnFailures: [Case] = [
            Case(
                behaviour: "exit-in-turn", expected: ["exit status 4", "giving up in the middle of a turn"]),
            Case(
                behaviour: "not-json-in-turn",
                expected: ["not JSON", "Traceback (most recent call last): oops"]),
        ]

        @Test(arguments: turnFailures)
        func aBrokenAgentFailsTheTurn(_ broken: Case) throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let result = try acp.run(
                "send", "--thread", "h2", "--model", "hostile-\(broken.behaviour)/x", "hello")
            #expect(result.status == 6, "\(result)")
            #expect(result.stderr.contains("hostile_acp_agent.py"), "the agent is named: \(result)")
            for text in broken.expected {
                #expect(result.stderr.contains(text), "expected \"\(text)\" in \(result)")
            }
            #expect(try acp.cursorSession("h2") == "hostile-1")
            #expect(acp.agentsGone(), "left running: \(acp.agentProcesses())")
        }

        @Test func aRequestAgentwsDidNotAdvertiseIsRefusedNotLeftHanging() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let result = try acp.run(
                "send", "--thread", "h3", "--model", "hostile-ask-client/x", "read a file")
            #expect(result.status == 0, "\(result)")
            // The agent replies with the error object agentws answered its fs/read_text_file with.
            let error = try JSONParser.parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(error["code"] == -32601, "\(result)")
            #expect(error["message"]?.stringValue?.contains("fs/read_text_file") == true, "\(result)")
            #expect(acp.agentsGone())
        }

        /// An agent that answers `session/prompt` with ACP's `usage`: `send --json` ends with it.
        @Test func theUsageAnAgentReportsEndsTheTurnInJSON() throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let result = try acp.run(
                "send", "--json", "--thread", "u1", "--model", "hostile-usage/x", "count")
            #expect(result.status == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n").map { try? JSONParser.parse(String($0)) }
            let last = try #require(lines.last ?? nil)
            #expect(
                last
                    == [
                        "type": "turn_finished", "stopReason": "end_turn",
                        "usage": [
                            "inputTokens": 120, "outputTokens": 7, "thoughtTokens": 3, "totalTokens": 130,
                            "cachedReadTokens": 20,
                        ],
                    ], "\(result)")
        }
    }
}
