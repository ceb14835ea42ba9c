import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Testing

/// A temporary agentws workspace with `acp` providers for the real agents and the hostile ones:
///
/// - `fast`: fast-agent with its passthrough model (it echoes the prompt; no network);
/// - `slow`: the same with fast-agent's `slow` model (3 s before each reply), for interrupts;
/// - `notes`: fast-agent with Tests/Peers/mcp_notes_server.py, a tool that asks for permission;
/// - `sdk-echo`, `sdk-example`: the ACP SDK's `echo_agent.py` and `agent.py`;
/// - `pyd`: pydantic-acp (Tests/Peers/pydantic_acp_agent.py), models `echo-a` and `echo-b` offered as
///   a config option; it answers `<model>#<user messages so far>: <prompt>`;
/// - `hostile-<behaviour>`: Tests/Peers/hostile_acp_agent.py.
///
/// Every agent gets a HOME of its own under the test's directory: nothing of the machine's user is
/// read or written. Nothing here talks to the network.
final class ACPWorkspace: TestWorkspace {
    /// The HOME every agent gets.
    var agentHome: String { root + "/agent-home" }

    static let hostileBehaviours = [
        "exit-at-start", "not-json", "silent", "huge-line", "exit-in-turn", "not-json-in-turn", "ask-client",
        "usage",
    ]

    init(defaultModel: String = "fast/passthrough", extraOptions: [String: [String: JSONValue]] = [:]) throws
    {
        try super.init(
            temporary: TemporaryDirectory(prefix: "agentws-acp"), plugin: "libAgentwsACP.so",
            directories: ["agent-home"], processMarker: { root in "HOME=\(root)/agent-home" },
            stopLimit: .seconds(20))
        var providers = try Self.providers(home: agentHome)
        for (name, options) in extraOptions {
            var merged = providers[name] ?? [:]
            for (key, value) in options { merged[key] = value }
            providers[name] = merged
        }
        try writeConfig(defaultModel: defaultModel, providers: providers)
    }

    /// The options of every provider instance.
    static func providers(home: String) throws -> [String: [String: JSONValue]] {
        let env: JSONValue = ["HOME": .string(home), "NO_COLOR": "1"]
        let fast = try ACPAgents.fastAgent()
        let python = try ACPAgents.python()
        var providers: [String: [String: JSONValue]] = [
            "fast": ["command": [.string(fast), "--model", "passthrough"], "env": env],
            "slow": ["command": [.string(fast), "--model", "slow"], "env": env],
            // fast-agent with an MCP server whose one tool writes a file: its use needs a permission.
            "notes": [
                "command": [.string(fast), "--model", "passthrough"], "env": env,
                "mcp_servers": [
                    [
                        "name": "notes", "command": .string(python),
                        "args": [.string(ACPAgents.peer("mcp_notes_server.py"))], "env": [],
                    ]
                ],
            ],
            "sdk-echo": [
                "command": [.string(python), .string(try ACPAgents.sdkExample("echo_agent.py"))], "env": env,
            ],
            "sdk-example": [
                "command": [.string(python), .string(try ACPAgents.sdkExample("agent.py"))], "env": env,
            ],
        ]
        // pydantic-acp serving a pydantic-ai agent with two offline models and a session store.
        providers["pyd"] = [
            "command": [
                .string(python), .string(ACPAgents.peer("pydantic_acp_agent.py")),
                .string(home + "/pyd-sessions"),
            ],
            "env": env,
        ]
        let system = try ACPAgents.systemPython()
        for behaviour in hostileBehaviours {
            providers["hostile-\(behaviour)"] = [
                "command": [
                    .string(system), .string(ACPAgents.peer("hostile_acp_agent.py")), .string(behaviour),
                ],
                "env": env, "initialize_timeout_ms": 3000, "stop_grace_ms": 1000,
            ]
        }
        return providers
    }

    /// Writes `.agentws/config.yaml`; JSON is YAML, so the options go in as written.
    func writeConfig(defaultModel: String, providers: [String: [String: JSONValue]]) throws {
        var text = "models:\n  default: \(defaultModel)\nproviders:\n"
        for name in providers.keys.sorted() {
            let options = JSONWriter.compactString(.object(providers[name] ?? [:]))
            text += "  \(name):\n    plugin: acp\n    options: \(options)\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: workspace + "/.agentws/config.yaml"))
    }

    /// The ACP session id in `thread`'s binding.
    func cursorSession(_ thread: String) throws -> String {
        try #require(
            try binding(thread)["resumeCursor"]?["sessionId"]?.stringValue, "no ACP cursor in \(thread)")
    }

    /// The stderr log the plugin keeps of `provider`'s agents.
    func stderrLog(_ provider: String) -> String {
        providerLog("\(provider)/agent-stderr.log")
    }

    /// What fast-agent itself lists for the workspace (session/list through the ACP SDK's client).
    func fastAgentSessions() throws -> [JSONValue] {
        let fast = try ACPAgents.fastAgent()
        var environment = self.environment
        environment["HOME"] = agentHome
        let outcome = try ChildProcess.run(
            try ACPAgents.python(),
            [ACPAgents.peer("acp_list_sessions.py"), workspace, fast, "--model", "passthrough"],
            environment: environment, directory: workspace)
        guard outcome.status == 0 else { throw TestFailure("acp_list_sessions.py failed: \(outcome)") }
        let listed = try JSONParser.parse(outcome.stdout)
        return listed["sessions"]?.arrayValue ?? []
    }
}
