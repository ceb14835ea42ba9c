import AgentwsJSON
import AgentwsSystem

/// Row 8: `agentws serve` on echo, through its Unix socket. Throughput and latency with 1, 8 and 32
/// ACP clients (each its own connection and its own thread, sessions warm), the evidence that turns
/// of different threads run at the same time, and the daemon's memory per warm idle session.
enum DaemonRow {
    static let clientCounts = [1, 8, 32]
    /// Every prompt is answered within this, or the row fails.
    static let promptTimeout: UInt64 = 10_000_000_000
    /// Every round of prompts finishes within this, or the row fails.
    static let roundLimit: UInt64 = 120_000_000_000
    static let sleepMilliseconds = 50

    static func run(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(number: 8, title: "daemon: echo turns/s, p50/p99 with 1, 8, 32 clients")
        let scratch = try DaemonScratch(settings)
        defer { scratch.remove() }

        let load = try measureLoad(settings, scratch: scratch)
        let memory = try measureMemory(settings, scratch: scratch)
        for (index, count) in clientCounts.enumerated() {
            let clients = count == 1 ? "1 client" : "\(count) clients"
            report.lines.append(
                ResultLine(
                    label: "\(clients): echo turns/s", value: Summary(load.rates[index]), unit: .perSecond))
            report.lines.append(
                ResultLine(
                    label: "\(clients): turn p50", value: Summary(load.p50[index]), unit: .milliseconds))
            report.lines.append(
                ResultLine(
                    label: "\(clients): turn p99", value: Summary(load.p99[index]), unit: .milliseconds))
            report.lines.append(
                ResultLine(
                    label: "\(clients): daemon CPU per turn", value: Summary(load.cpuPerTurn[index]),
                    unit: .microseconds))
        }
        let serialised = Double(clientCounts[1] * sleepMilliseconds)
        report.lines.append(
            ResultLine(
                label: "8 clients × one [echo:sleep \(sleepMilliseconds)] turn, wall",
                value: Summary(load.sleepWalls),
                unit: .milliseconds,
                ratio: Ratio(
                    baseline: "\(Format.number(serialised)) ms serialised",
                    value: Summary(load.sleepWalls.map { $0 / serialised }), target: nil)))
        report.lines.append(
            ResultLine(
                label: "memory per warm idle session (\(memory.sessions))", value: Summary(memory.perSession),
                unit: .kibibytes))
        report.lines.append(
            ResultLine(
                label: "daemon RSS before warming them", value: Summary(memory.before), unit: .mebibytes))
        report.lines.append(
            ResultLine(
                label: "SIGTERM to exit 0 with \(memory.sessions + memory.primed) live sessions",
                value: Summary(memory.shutdown), unit: .milliseconds))

        report.checks.append(
            "every measured prompt streamed agent_message_chunk updates and ended end_turn on a warm session "
                + "(start: warm); the first prompt of each session was a warm-up, not measured")
        report.checks.append("every daemon exited 0 on SIGTERM")
        let ratio = Summary(load.sleepWalls.map { $0 / serialised }).median
        if ratio < 0.5 {
            report.checks.append(
                "8 turns of \(sleepMilliseconds) ms on 8 threads took \(Format.number(ratio))× the serialised "
                    + "time: the daemon does not serialise turns of different threads (no lock held across "
                    + "the provider call)")
        } else {
            report.notes.append(
                "8 turns of \(sleepMilliseconds) ms on 8 threads took \(Format.number(ratio))× the serialised "
                    + "time: turns of different threads are being serialised somewhere")
        }
        report.notes.append(
            "one bench thread drives all clients with poll(2); latency is session/prompt written to its answer "
                + "read; turns/s is all turns of a round over its wall time; \(load.turnsPerRound) turns a round "
                + "(divided among the clients), rounds of 1, 8 and 32 clients interleaved")
        report.notes.append(
            "memory: VmRSS of a fresh daemon after \(memory.primed) warm sessions, then after "
                + "\(memory.sessions) more (session/new and one prompt each, over one connection), "
                + "difference ÷ \(memory.sessions); each echo turn writes its conversation file twice with fsync, "
                + "which bounds turns/s (see docs/performance.md)")
        let place =
            scratch.usesTemporaryDirectory
            ? "the scratch path is too long for a Unix socket, so the daemons ran in \(scratch.root)"
            : "the daemons ran in \(scratch.root)"
        report.notes.append(place + " (\(Files.fileSystemName(scratch.root)))")
        return report
    }

    // MARK: - Throughput, latency, concurrency

    struct LoadFigures {
        var rates: [[Double]] = [[], [], []]
        var p50: [[Double]] = [[], [], []]
        var p99: [[Double]] = [[], [], []]
        /// The daemon's CPU time per turn, in microseconds.
        var cpuPerTurn: [[Double]] = [[], [], []]
        var sleepWalls: [Double] = []
        var turnsPerRound = 0
    }

    static func measureLoad(_ settings: Settings, scratch: DaemonScratch) throws -> LoadFigures {
        let workspace = try scratch.workspace("load")
        let daemon = try scratch.startDaemon(workspace)
        var figures = LoadFigures()
        figures.turnsPerRound = settings.size(320, quick: 32)
        do {
            var groups: [[LoadClient]] = []
            for count in clientCounts {
                groups.append(
                    try (0..<count).map { try openClient(daemon, thread: "c\(count)-\($0)", in: workspace) })
            }
            let rounds = settings.rounds(7)
            for round in 0..<rounds {
                for offset in 0...clientCounts.count {
                    let which = (round + offset) % (clientCounts.count + 1)
                    if which == clientCounts.count {
                        // Eight sleeping turns on eight threads, all sent at once.
                        let sleeping = try DaemonLoad.run(
                            groups[1], turns: 1, text: "[echo:sleep \(sleepMilliseconds)] concurrency",
                            timeout: promptTimeout, limit: roundLimit)
                        figures.sleepWalls.append(Double(sleeping.wall) / 1e6)
                        continue
                    }
                    let turns = max(1, figures.turnsPerRound / clientCounts[which])
                    let cpuBefore = try daemon.cpuNanoseconds()
                    let measured = try DaemonLoad.run(
                        groups[which], turns: turns, text: "bench turn", timeout: promptTimeout,
                        limit: roundLimit)
                    let cpu = try daemon.cpuNanoseconds() - cpuBefore
                    figures.cpuPerTurn[which].append(Double(cpu) / Double(measured.latencies.count) / 1e3)
                    figures.rates[which].append(measured.turnsPerSecond)
                    figures.p50[which].append(Double(measured.latency(quantile: 0.5)) / 1e6)
                    figures.p99[which].append(Double(measured.latency(quantile: 0.99)) / 1e6)
                }
            }
        }
        // The clients are closed by now, so the daemon has no connection to wait for.
        _ = try daemon.terminate(timeout: 60_000_000_000)
        return figures
    }

    // MARK: - Memory

    struct MemoryFigures {
        var perSession: [Double] = []
        var before: [Double] = []
        var shutdown: [Double] = []
        var sessions = 0
        var primed = 0
    }

    static func measureMemory(_ settings: Settings, scratch: DaemonScratch) throws -> MemoryFigures {
        var figures = MemoryFigures()
        figures.sessions = settings.size(200, quick: 20)
        // The first sessions load the plugin and grow the allocator's pools; they are not counted.
        figures.primed = 8
        for round in 0..<settings.rounds(3) {
            let workspace = try scratch.workspace("memory\(round)")
            let daemon = try scratch.startDaemon(workspace)
            do {
                let connection = try ACPSocketClient(socketPath: daemon.socketPath)
                try initialize(connection)
                for index in 0..<figures.primed {
                    try warmSession(connection, thread: "primed-\(index)", in: workspace)
                }
                let before = try daemon.residentBytes()
                for index in 0..<figures.sessions {
                    try warmSession(connection, thread: "idle-\(index)", in: workspace)
                }
                let after = try daemon.residentBytes()
                // The connection stays open until both readings are taken.
                withExtendedLifetime(connection) {}
                figures.before.append(Double(before) / 1_048_576)
                figures.perSession.append(Double(after - before) / Double(figures.sessions) / 1024)
            }
            figures.shutdown.append(Double(try daemon.terminate(timeout: 60_000_000_000)) / 1e6)
        }
        return figures
    }

    // MARK: - Clients

    static func initialize(_ connection: ACPSocketClient) throws(BenchError) {
        let result = try connection.request("initialize", ["protocolVersion": 1], timeout: promptTimeout)
        guard result["protocolVersion"]?.integerValue == 1 else {
            throw BenchError(
                "initialize answered \(JSONWriter.compactString(result)); expected protocol version 1")
        }
    }

    /// Opens `thread` on echo with `session/new` and runs its first prompt, which starts the provider
    /// session: from then on the session is warm.
    static func warmSession(_ connection: ACPSocketClient, thread: String, in workspace: String)
        throws(BenchError)
    {
        let opened = try connection.request(
            "session/new",
            [
                "cwd": .string(workspace), "mcpServers": [],
                "_meta": ["agentws": ["thread": .string(thread), "provider": "echo"]],
            ], timeout: promptTimeout)
        guard opened["sessionId"]?.stringValue == thread else {
            throw BenchError("session/new for \(thread) answered \(JSONWriter.compactString(opened))")
        }
        let first = try connection.request(
            "session/prompt",
            ["sessionId": .string(thread), "prompt": [["type": "text", "text": "warm up"]]],
            timeout: promptTimeout)
        guard first["stopReason"]?.stringValue == "end_turn" else {
            throw BenchError("the first prompt on \(thread) answered \(JSONWriter.compactString(first))")
        }
    }

    static func openClient(_ daemon: DaemonProcess, thread: String, in workspace: String) throws(BenchError)
        -> LoadClient
    {
        let connection = try ACPSocketClient(socketPath: daemon.socketPath)
        try initialize(connection)
        try warmSession(connection, thread: thread, in: workspace)
        return LoadClient(connection: connection, thread: thread)
    }
}

/// Where the daemons of rows 8–11 run: workspaces under the scratch directory or, when that would make a
/// socket path longer than Unix allows, under /var/tmp (disk-backed by convention, unlike /tmp).
struct DaemonScratch {
    let root: String
    let usesTemporaryDirectory: Bool
    let agentws: String
    let environment: [String: String]
    static let socketSuffix = "/.agentws/state/agentws.sock"

    init(_ settings: Settings, row: Int = 8) throws {
        agentws = settings.buildDirectory + "/agentws"
        var environment = Spawn.currentEnvironment()
        environment["AGENTWS_PLUGIN_PATH"] = nil
        environment["AGENTWS_LOG_LEVEL"] = nil
        let preferred = settings.scratch + "/row\(row)"
        // sun_path holds 108 bytes with its terminator; "memory9" is the longest workspace name.
        if (preferred + "/memory9" + Self.socketSuffix).utf8.count < 108 {
            try Files.makeDirectories(preferred)
            root = preferred
            usesTemporaryDirectory = false
        } else {
            var template = Array("/var/tmp/agentws-bench\(row)-XXXXXX".utf8CString)
            let made: String? = template.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
                return String(cString: base)
            }
            guard let made else { throw BenchError.system("create a directory in", "/var/tmp") }
            root = made
            usesTemporaryDirectory = true
        }
        environment["XDG_CONFIG_HOME"] = root + "/no-user-config"
        self.environment = environment
    }

    /// A fresh workspace made by `agentws init`.
    func workspace(_ name: String) throws -> String {
        let path = root + "/" + name
        try Files.makeDirectories(path)
        let initialised = try Spawn.run(agentws, ["init", path], environment: environment)
        guard initialised.succeeded else { throw BenchError("agentws init \(path) failed") }
        return path
    }

    func startDaemon(_ workspace: String) throws(BenchError) -> DaemonProcess {
        var environment = environment
        environment["AGENTWS_WORKSPACE"] = workspace
        return try DaemonProcess(
            agentws: agentws, environment: environment, socketPath: workspace + Self.socketSuffix,
            timeout: 10_000_000_000)
    }

    func remove() {
        if usesTemporaryDirectory { Files.removeTree(root) }
    }
}
