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
final class ACPWorkspace {
    let root: String
    let workspace: String
    let agentHome: String
    private let environment: [String: String]

    static let hostileBehaviours = [
        "exit-at-start", "not-json", "silent", "huge-line", "exit-in-turn", "not-json-in-turn", "ask-client",
        "usage",
    ]

    init(defaultModel: String = "fast/passthrough", extraOptions: [String: [String: JSONValue]] = [:]) throws
    {
        try BuildProducts.require(libraries: ["libAgentwsACP.so"])
        root =
            FileManager.default.temporaryDirectory.path + "/agentws-acp-"
            + UUID().uuidString.prefix(12).lowercased()
        workspace = root + "/project"
        agentHome = root + "/agent-home"
        for directory in [workspace, agentHome, root + "/agentws-home"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = root + "/agentws-home/.config"
        environment["HOME"] = root + "/agentws-home"
        for key in environment.keys where key.hasPrefix("AGENTWS_") { environment[key] = nil }
        self.environment = environment

        let initialised = try run("init")
        guard initialised.status == 0 else { throw TestFailure("agentws init failed: \(initialised)") }
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

    /// Ends any agent left over (a test failure elsewhere) and removes the files.
    func close() {
        for pid in agentProcesses() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: root)
    }

    // MARK: agentws

    @discardableResult
    func run(_ arguments: String...) throws -> RunningCommand.Outcome {
        try start(arguments).finish()
    }

    func start(_ arguments: [String]) throws -> RunningCommand {
        try RunningCommand(arguments, directory: workspace, environment: environment)
    }

    func bindingText(_ thread: String) -> String? {
        try? String(contentsOfFile: workspace + "/.agentws/bindings/\(thread).json", encoding: .utf8)
    }

    func binding(_ thread: String) throws -> JSONValue {
        let text = try #require(bindingText(thread), "no binding for \(thread)")
        return try JSONParser.parse(text)
    }

    /// The ACP session id in `thread`'s binding.
    func cursorSession(_ thread: String) throws -> String {
        try #require(
            try binding(thread)["resumeCursor"]?["sessionId"]?.stringValue, "no ACP cursor in \(thread)")
    }

    func shown(_ thread: String) throws -> JSONValue {
        let result = try run("show", "--json", thread)
        guard result.status == 0 else { throw TestFailure("show \(thread) failed: \(result)") }
        return try JSONParser.parse(result.stdout)
    }

    /// Writes a binding by hand, as a teammate's commit would bring it.
    func writeBinding(_ thread: String, provider: String, model: String, cursor: JSONValue?) throws {
        let binding: JSONValue = [
            "schemaVersion": 2, "threadId": .string(thread), "provider": .string(provider),
            "model": .string(model),
            "resumeCursor": cursor ?? .null, "cwd": ".", "runtimeMode": .null, "parent": .null,
            "createdAt": "2026-01-02T03:04:05Z",
        ]
        try Data(JSONWriter.canonical(binding)).write(
            to: URL(fileURLWithPath: workspace + "/.agentws/bindings/\(thread).json"))
    }

    /// The stderr log the plugin keeps of `provider`'s agents.
    func stderrLog(_ provider: String) -> String {
        (try? String(
            contentsOfFile: workspace + "/.agentws/state/providers/\(provider)/agent-stderr.log",
            encoding: .utf8))
            ?? ""
    }

    /// What fast-agent itself lists for the workspace (session/list through the ACP SDK's client).
    func fastAgentSessions() throws -> [JSONValue] {
        let fast = try ACPAgents.fastAgent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ACPAgents.python())
        process.arguments = [
            ACPAgents.peer("acp_list_sessions.py"), workspace, fast, "--model", "passthrough",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: workspace)
        var environment = self.environment
        environment["HOME"] = agentHome
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("acp_list_sessions.py exited \(process.terminationStatus)")
        }
        let listed = try JSONParser.parse(String(decoding: data, as: UTF8.self))
        return listed["sessions"]?.arrayValue ?? []
    }

    // MARK: agent processes

    /// The live processes started with this workspace's agent HOME: the agents and their children.
    func agentProcesses() -> [pid_t] { ProcessScan.processes(withEnvironment: "HOME=\(agentHome)") }

    /// Waits until no agent of this workspace runs any more; false if one is still there after `limit`.
    func agentsGone(within limit: Duration = .seconds(20)) -> Bool {
        ProcessScan.gone(withEnvironment: "HOME=\(agentHome)", within: limit)
    }
}
