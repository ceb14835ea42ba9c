import AgentProcess
import AgentwsJSON
import AgentwsSystem

/// Row 12: the real Claude Code (from scripts/setup-test-agents) against the loopback Messages
/// mock: a warm turn through `agentws serve` beside a bare stream-json client of its own `claude`
/// process, and the memory of warm Claude sessions (each its own process).
enum ClaudeRow {

    static func run(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(number: 12, title: "Claude Code: warm turn and memory per warm session")
        let scratch = try DaemonScratch(settings, row: 12)
        let (setup, mock) = try ClaudeSetup.start(root: scratch.root + "/claude")

        // The warm turn, interleaved.
        let workspace = try scratch.workspace("w")
        try Files.write(Array(setup.configuration.utf8), to: workspace + "/.agentws/config.yaml")
        let daemon = try scratch.startDaemon(workspace)
        let connection = try AgentSessions.connect(daemon)
        try AgentSessions.warm(connection, thread: "warm", provider: "claude", cwd: workspace)
        let bare = try await BareClaudeClient(setup, logPath: scratch.root + "/bare-claude-stderr.log")
        try await bare.turn("warm up")
        let turns = settings.size(30, quick: 4)
        let latencies = try await TurnLatencies.measure(
            rounds: settings.rounds(5), turns: turns,
            agentws: { turn in try AgentSessions.prompt(connection, thread: "warm", text: "turn \(turn)") },
            bare: { turn in try await bare.turn("turn \(turn)") })
        let bareResident = try AgentSessions.treeMemory(bare.pid)
        await bare.close()
        withExtendedLifetime(connection) {}
        try AgentSessions.stop(daemon)

        // Memory: a fresh daemon, 1 warm session, then more.
        let counts = settings.quick ? [1, 2] : [1, 4]
        var perSession: [Double] = []
        var residentFirst: [Double] = []
        for round in 0..<settings.rounds(2) {
            let workspace = try scratch.workspace("m\(round)")
            try Files.write(Array(setup.configuration.utf8), to: workspace + "/.agentws/config.yaml")
            let daemon = try scratch.startDaemon(workspace)
            let connection = try AgentSessions.connect(daemon)
            var readings: [Double] = []
            var warmed = 0
            for count in counts {
                while warmed < count {
                    try AgentSessions.warm(
                        connection, thread: "t\(warmed)", provider: "claude", cwd: workspace)
                    warmed += 1
                }
                usleep(500_000)
                readings.append(Double(try AgentSessions.treeMemory(daemon.pid).resident) / 1_048_576)
            }
            residentFirst.append(readings[0])
            perSession.append((readings[1] - readings[0]) / Double(counts[1] - counts[0]))
            withExtendedLifetime(connection) {}
            try AgentSessions.stop(daemon)
        }

        report.lines =
            latencies.lines(bare: "bare stream-json client", target: nil) + [
                ResultLine(
                    label: "RSS per additional warm session", value: Summary(perSession), unit: .mebibytes,
                    ratio: Ratio(
                        baseline: "one bare claude process",
                        value: Summary(perSession.map { $0 / (Double(bareResident.resident) / 1_048_576) }),
                        target: nil)),
                ResultLine(
                    label: "daemon + claude RSS, 1 warm session", value: Summary(residentFirst),
                    unit: .mebibytes),
                ResultLine(
                    label: "one bare claude process (and its children) RSS",
                    value: Summary([Double(bareResident.resident) / 1_048_576]), unit: .mebibytes),
            ]
        report.notes.append(
            "agentws: session/prompt to its answer through agentws serve (ACP → daemon → claude plugin → claude "
                + "-p stream-json → Messages mock); bare: a user message written to claude's stdin to its result "
                + "line, on a claude process of its own started with the plugin's arguments; \(turns) turns each "
                + "per round, interleaved. Memory: VmRSS of the daemon and its descendants with \(counts[0]) and "
                + "\(counts[1]) warm sessions (each a claude process), difference ÷ \(counts[1] - counts[0])")
        withExtendedLifetime(mock) {}
        scratch.remove()
        return report
    }

}

/// Claude Code offline against Tests/Peers/mock_messages.py, with a HOME and configuration
/// directory of its own.
struct ClaudeSetup {
    let claude: String
    let root: String
    let port: Int

    /// Starts the mock in `root` (see `BenchAgent.start`).
    static func start(root: String) throws -> (ClaudeSetup, LoopbackMock) {
        let (claude, mock) = try BenchAgent.claude.start(root: root)
        return (ClaudeSetup(claude: claude, root: root, port: mock.port), mock)
    }

    var project: String { root + "/project" }

    /// Claude's configuration directory (`CLAUDE_CONFIG_DIR`).
    var configDirectory: String { root + "/" + BenchAgent.claude.configurationDirectory }

    /// The variables claude gets, as the tests give them.
    var variables: [String: String] {
        [
            "HOME": root + "/home", "ANTHROPIC_BASE_URL": "http://127.0.0.1:\(port)",
            "ANTHROPIC_API_KEY": "sk-ant-bench-dummy-key", "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "PATH": "/usr/bin:/bin",
        ]
    }

    var configuration: String {
        let options: JSONValue = [
            "command": [.string(claude)], "config_dir": .string(configDirectory),
            "env": .object(variables.mapValues { .string($0) }),
        ]
        return """
            models:
              default: claude/mock-model
            providers:
              claude:
                plugin: claude
                idle_timeout: 24h
                options: \(JSONWriter.compactString(options))

            """
    }
}

/// A bare stream-json client of one `claude` process, started with the arguments the plugin uses.
final class BareClaudeClient {
    private let connection: LineConnection
    private let results = Locked<Latch?>(nil)

    var pid: pid_t { connection.process.pid }

    init(_ setup: ClaudeSetup, logPath: String) async throws {
        var environment = BenchAgent.environment(adding: setup.variables)
        environment["CLAUDE_CONFIG_DIR"] = setup.configDirectory
        let hex = String(UInt64(getpid()), radix: 16)
        let session = "0b5e3a6c-5d1f-4c3e-9a61-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
        connection = try LineConnection.spawn(
            ProcessCommand(
                executable: setup.claude,
                arguments: [
                    setup.claude, "-p", "--input-format", "stream-json", "--output-format", "stream-json",
                    "--verbose",
                    "--include-partial-messages", "--permission-prompt-tool", "stdio", "--model",
                    "mock-model",
                    "--session-id", session,
                ],
                environment: environment, directory: setup.project),
            name: "claude", purpose: "bare client", logPath: logPath, log: { _, _ in })
        let results = results
        try connection.start(
            LineConnection.Handlers(
                line: { line in
                    guard let message = try? JSONParser.parse(bytes: line),
                        message["type"]?.stringValue == "result"
                    else { return }
                    results.withLock { $0 }?.open()
                },
                ended: { _ in results.withLock { $0 }?.open() }, overlong: nil))
    }

    /// One turn: a user message to its `result` line.
    func turn(_ text: String) async throws {
        let latch = Latch()
        results.withLock { $0 = latch }
        try connection.write([
            "type": "user", "message": ["role": "user", "content": .string(text)],
            "parent_tool_use_id": .null,
        ])
        guard await latch.wait(atMost: .seconds(60)), !connection.hasEnded else {
            throw BenchError("the bare claude did not answer a turn")
        }
    }

    func close() async {
        await connection.terminate(grace: .seconds(3))
    }
}
