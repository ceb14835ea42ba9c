import AgentwsJSON
import Foundation

/// A temporary agentws workspace whose provider runs a real agent, with its own HOME: nothing of the
/// machine's user is read or written. Each provider's tests subclass it (or `AgentWorkspace`, which
/// adds a model mock) with what their agent needs.
open class TestWorkspace {
    package let root: String
    package let workspace: String
    /// The environment `agentws` runs with.
    package let environment: [String: String]
    /// An environment entry of every process of this workspace's agent (`CODEX_HOME=/tmp/…`).
    private let processMarker: String
    /// How long `agentsGone()` waits when not told.
    private let stopLimit: Duration
    private let temporary: TemporaryDirectory

    /// Sets up the directories in `temporary` (`directories` relative to it, besides the workspace
    /// and the homes) and runs `agentws init`. (`public`: see `AgentWorkspace.init`.)
    public init(
        temporary: TemporaryDirectory, plugin: String, directories: [String],
        processMarker: (String) -> String,
        stopLimit: Duration = .seconds(15)
    )
        throws
    {
        try BuildProducts.require(libraries: [plugin])
        self.temporary = temporary
        let root = temporary.path
        self.root = root
        workspace = root + "/project"
        for directory in [workspace, root + "/home", root + "/agentws-home"]
            + directories.map({ root + "/" + $0 })
        {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        self.processMarker = processMarker(root)
        self.stopLimit = stopLimit
        var environment = ProcessInfo.processInfo.environment
        // agentws itself must not see the developer's configuration or plugins either.
        environment["XDG_CONFIG_HOME"] = root + "/agentws-home/.config"
        environment["HOME"] = root + "/agentws-home"
        for key in environment.keys where key.hasPrefix("AGENTWS_") { environment[key] = nil }
        self.environment = environment

        let initialised = try run("init")
        guard initialised.status == 0 else { throw TestFailure("agentws init failed: \(initialised)") }
    }

    /// Writes `.agentws/config.yaml` with one provider; JSON is YAML, so the options go in as written.
    package func writeConfig(provider: String, defaultModel: String, options: [String: JSONValue]) throws {
        let config = """
            models:
              default: \(provider)/\(defaultModel)
            providers:
              \(provider):
                plugin: \(provider)
                options: \(JSONWriter.compactString(.object(options)))

            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: workspace + "/.agentws/config.yaml"))
    }

    /// Ends any agent left over (a test failure elsewhere) and removes the files.
    package func close() {
        for pid in agentProcesses() { kill(pid, SIGKILL) }
        closeServices()
        temporary.remove()
    }

    /// What a subclass stops in `close()` after the agents and before the files go.
    open func closeServices() {}

    // MARK: agentws

    /// Runs `agentws ARGUMENTS` in the workspace and waits for it.
    @discardableResult
    package func run(_ arguments: String...) throws -> ProcessOutcome {
        try start(arguments).finish()
    }

    /// Starts `agentws ARGUMENTS` in the workspace.
    package func start(_ arguments: [String]) throws -> RunningCommand {
        try RunningCommand(arguments, directory: workspace, environment: environment)
    }

    /// The binding file of `thread`, as text.
    package func bindingText(_ thread: String) -> String? {
        try? String(contentsOfFile: workspace + "/.agentws/bindings/\(thread).json", encoding: .utf8)
    }

    /// The binding of `thread`, parsed.
    package func binding(_ thread: String) throws -> JSONValue {
        guard let text = bindingText(thread) else { throw TestFailure("no binding for \(thread)") }
        return try JSONParser.parse(text)
    }

    /// What `agentws show --json` reports of `thread`: `status` (live, stopped, error) and
    /// `lastError` are this machine's, never in the binding file.
    package func shown(_ thread: String) throws -> JSONValue {
        let result = try run("show", "--json", thread)
        guard result.status == 0 else { throw TestFailure("show \(thread) failed: \(result)") }
        return try JSONParser.parse(result.stdout)
    }

    /// Writes a binding by hand, as a teammate's commit or an old checkout would bring it.
    package func writeBinding(
        _ thread: String, provider: String, model: String, cursor: JSONValue?, runtimeMode: String? = nil
    ) throws {
        let binding: JSONValue = [
            "schemaVersion": 2, "threadId": .string(thread), "provider": .string(provider),
            "model": .string(model), "resumeCursor": cursor ?? .null, "cwd": ".",
            "runtimeMode": .optional(runtimeMode), "parent": .null, "createdAt": "2026-01-02T03:04:05Z",
        ]
        try Data(JSONWriter.canonical(binding)).write(
            to: URL(fileURLWithPath: workspace + "/.agentws/bindings/\(thread).json"))
    }

    /// A provider's log file under the workspace state (`codex/codex-stderr.log`).
    package func providerLog(_ path: String) -> String {
        (try? String(contentsOfFile: workspace + "/.agentws/state/providers/" + path, encoding: .utf8)) ?? ""
    }

    // MARK: agent processes

    /// The live processes of this workspace's agent and whatever they run.
    package func agentProcesses() -> [pid_t] {
        ProcessScan.processes(withEnvironment: processMarker)
    }

    /// Waits until no agent process of this workspace runs any more; false if one is still there after `limit`.
    package func agentsGone(within limit: Duration? = nil) -> Bool {
        ProcessScan.gone(withEnvironment: processMarker, within: limit ?? stopLimit)
    }

    /// Waits for the one agent process of this workspace and returns its pid.
    package func runningAgent(within limit: Duration = .seconds(30)) throws -> pid_t {
        let deadline = ContinuousClock.now + limit
        while true {
            let processes = agentProcesses()
            if processes.count == 1, let pid = processes.first { return pid }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("expected one agent process, found \(processes)")
            }
            usleep(20_000)
        }
    }
}

/// A `TestWorkspace` whose agent talks to a model mock of its own (Tests/Peers): nothing leaves
/// 127.0.0.1.
open class AgentWorkspace: TestWorkspace {
    package let mock: ModelMock

    /// Starts the mock, sets up the directories and runs `agentws init`. (`public`: a `package`
    /// designated initializer of an open class makes the compiler warn of infinite recursion in
    /// every subclass in another module.)
    public init(
        name: String, plugin: String, mockScript: String, directories: [String],
        processMarker: (String) -> String
    ) throws {
        try BuildProducts.require(libraries: [plugin])
        let temporary = try TemporaryDirectory(prefix: "agentws-\(name)")
        let mock = try ModelMock(script: mockScript, directory: temporary.path)
        self.mock = mock
        do {
            try super.init(
                temporary: temporary, plugin: plugin, directories: directories, processMarker: processMarker)
        } catch {
            mock.stop()
            throw error
        }
    }

    /// Stops the mock.
    open override func closeServices() { mock.stop() }
}
