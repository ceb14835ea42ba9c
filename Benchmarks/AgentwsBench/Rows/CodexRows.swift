import AgentwsJSON
import AgentwsSystem

/// Rows 9–11: the real codex 0.163.0 against the loopback Responses mock, through `agentws serve`
/// (ACP on the socket → codex plugin → app-server) or `agentws send`, beside a bare client of the
/// same app-server and mock.
enum CodexRows {

    /// A daemon on a fresh workspace whose codex provider uses `process`.
    private static func daemon(
        _ scratch: DaemonScratch, _ setup: CodexSetup, name: String, process: String
    ) throws -> (DaemonProcess, String) {
        let workspace = try scratch.workspace(name)
        try Files.write(
            Array(setup.configuration(process: process).utf8), to: workspace + "/.agentws/config.yaml")
        return (try scratch.startDaemon(workspace), workspace)
    }

    /// Opens `thread` on codex and runs one prompt: the session is warm after it.

    // MARK: row 9

    static func memory(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(
            number: 9, title: "memory per warm Codex thread: shared app-server vs per-session")
        let scratch = try DaemonScratch(settings, row: 9)
        let (setup, mock) = try CodexSetup.start(root: scratch.root + "/codex")
        let counts = settings.quick ? [1, 2, 4] : [1, 8, 32]
        let modes = ["shared", "per-session"]
        // resident[mode][count], proportional[mode][count]: MiB per round.
        var resident = [[[Double]]](repeating: [[Double]](repeating: [], count: counts.count), count: 2)
        var proportional = resident
        var processes = [[Int]](repeating: [], count: 2)
        for round in 0..<settings.rounds(2) {
            for offset in 0..<2 {
                let mode = (round + offset) % 2
                let (daemon, workspace) = try daemon(
                    scratch, setup, name: "m\(round)\(mode)", process: modes[mode])
                let connection = try AgentSessions.connect(daemon)
                var warmed = 0
                for (index, count) in counts.enumerated() {
                    while warmed < count {
                        try AgentSessions.warm(
                            connection, thread: "t\(warmed)", provider: "codex", cwd: workspace)
                        warmed += 1
                    }
                    usleep(500_000)  // codex settles after a turn (its writer tasks finish)
                    let tree = try AgentSessions.treeMemory(daemon.pid)
                    resident[mode][index].append(Double(tree.resident) / 1_048_576)
                    proportional[mode][index].append(Double(tree.proportional) / 1_048_576)
                    if index == counts.count - 1 { processes[mode].append(tree.processes) }
                }
                withExtendedLifetime(connection) {}
                try AgentSessions.stop(daemon)
            }
        }
        let last = counts.count - 1
        let extra = Double(counts[last] - counts[0])
        func perThread(_ series: [[Double]]) -> [Double] {
            zip(series[last], series[0]).map { ($0 - $1) / extra }
        }
        for mode in 0..<2 {
            for (index, count) in counts.enumerated() {
                report.lines.append(
                    ResultLine(
                        label: "\(modes[mode]): daemon + codex RSS, \(count) warm",
                        value: Summary(resident[mode][index]),
                        unit: .mebibytes))
            }
        }
        let sharedPerThread = perThread(resident[0])
        let separatePerThread = perThread(resident[1])
        report.lines.append(
            ResultLine(
                label: "shared: RSS per additional warm thread", value: Summary(sharedPerThread),
                unit: .mebibytes, target: .atMost(15_000_000 / 1_048_576)))
        report.lines.append(
            ResultLine(
                label: "shared: RSS per additional warm thread", value: Summary(sharedPerThread),
                unit: .mebibytes,
                ratio: Ratio(
                    baseline: "per-session", value: Summary.ratios(sharedPerThread, separatePerThread),
                    target: nil)))
        report.lines.append(
            ResultLine(
                label: "per-session: RSS per additional warm thread", value: Summary(separatePerThread),
                unit: .mebibytes))
        report.lines.append(
            ResultLine(
                label: "shared: PSS per additional warm thread", value: Summary(perThread(proportional[0])),
                unit: .mebibytes))
        report.lines.append(
            ResultLine(
                label: "per-session: PSS per additional warm thread",
                value: Summary(perThread(proportional[1])),
                unit: .mebibytes))
        report.checks.append(
            "processes in the daemon's tree with \(counts[last]) warm threads: shared \(processes[0]), "
                + "per-session \(processes[1]) (the daemon included)")
        report.notes.append(
            "a warm thread: session/new + one prompt through agentws serve; memory is VmRSS (and Pss from "
                + "smaps_rollup, which splits shared pages among the processes that map them) summed over the "
                + "daemon and every descendant, 0.5 s after the last prompt; per additional thread = "
                + "(\(counts[last]) warm − \(counts[0]) warm) ÷ \(counts[last] - counts[0]); the target 15 MB is "
                + "14.3 MiB; shared and per-session daemons alternate, one fresh daemon each per round")
        withExtendedLifetime(mock) {}
        scratch.remove()
        return report
    }

    // MARK: row 10

    static func warmTurn(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(
            number: 10, title: "warm Codex turn: agentws serve vs a bare app-server client")
        let scratch = try DaemonScratch(settings, row: 10)
        let (setup, mock) = try CodexSetup.start(root: scratch.root + "/codex")
        let (daemon, workspace) = try daemon(scratch, setup, name: "w", process: "shared")
        let connection = try AgentSessions.connect(daemon)
        try AgentSessions.warm(connection, thread: "warm", provider: "codex", cwd: workspace)
        let bare = try await BareCodexClient(setup, logPath: scratch.root + "/bare-stderr.log")
        let thread = try await bare.startThread(cwd: workspace)
        try await bare.turn(thread, text: "warm up")

        let turns = settings.size(40, quick: 6)
        let latencies = try await TurnLatencies.measure(
            rounds: settings.rounds(5), turns: turns,
            agentws: { turn in try AgentSessions.prompt(connection, thread: "warm", text: "turn \(turn)") },
            bare: { turn in try await bare.turn(thread, text: "turn \(turn)") })
        await bare.close()
        withExtendedLifetime(connection) {}
        try AgentSessions.stop(daemon)
        report.lines = latencies.lines(bare: "bare client", target: .atMost(1.05))
        report.notes += latencies.intervalNotes
        report.notes.append(
            "agentws: session/prompt written on the daemon's socket to its answer read (ACP → daemon → codex plugin → "
                + "shared app-server → mock); bare: turn/start written to turn/completed read, on its own app-server; "
                + "both warm, same mock and CODEX_HOME, \(turns) turns each per round, interleaved")
        withExtendedLifetime(mock) {}
        scratch.remove()
        return report
    }

    // MARK: row 11

    static func oneShot(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(number: 11, title: "one-shot resume of a stopped Codex thread")
        let scratch = try DaemonScratch(settings, row: 11)
        let (setup, mock) = try CodexSetup.start(root: scratch.root + "/codex")
        // Two workspaces: the default configuration, which captures the transcript when the send's
        // session stops (for codex an export on a short-lived app-server of its own), and the same
        // with `transcripts: off`, which shows what agentws costs without that capture.
        let agentws = scratch.agentws
        var environments: [[String: String]] = []
        var threads: [String] = []
        for (name, extra) in [("one", ""), ("off", "transcripts:\n  mode: \"off\"\n")] {
            let workspace = try scratch.workspace(name)
            try Files.write(
                Array((setup.configuration(process: "shared") + extra).utf8),
                to: workspace + "/.agentws/config.yaml")
            var environment = scratch.environment
            environment["AGENTWS_WORKSPACE"] = workspace
            let first = try Spawn.run(
                agentws, ["send", "--thread", "bench", "first"], environment: environment)
            guard first.succeeded else {
                throw BenchError("agentws send on codex failed (exit \(first.status))")
            }
            let bindings = try Files.read(workspace + "/.agentws/bindings/bench.json")
                .map { try JSONParser.parse(bytes: $0) }
            guard let thread = bindings?["resumeCursor"]?["threadId"]?.stringValue else {
                throw BenchError("the codex binding of thread bench has no cursor")
            }
            environments.append(environment)
            threads.append(thread)
        }
        let thread = threads[0]
        let bench = try BenchExecutable.path()
        let bareArguments = [
            "bare-codex", "--root", setup.root, "--port", String(setup.port), "--codex", setup.codex,
            "--thread",
            thread,
        ]
        var through: [Double] = []
        var withoutCapture: [Double] = []
        var direct: [Double] = []
        let runs = settings.quick ? 3 : settings.rounds(21)
        func send(_ environment: [String: String], into series: inout [Double]) throws -> UInt64 {
            let outcome = try Spawn.run(
                agentws, ["send", "--thread", "bench", "again"], environment: environment)
            guard outcome.succeeded else { throw BenchError("agentws send failed (\(outcome.status))") }
            series.append(Double(outcome.wallNanoseconds) / 1e6)
            return outcome.wallNanoseconds
        }
        for round in 0..<runs {
            _ = try await alternate(
                pieces: 1, round: round,
                [
                    Contender(name: "agentws send") { _ in try send(environments[0], into: &through) },
                    Contender(name: "agentws send, transcripts off") { _ in
                        try send(environments[1], into: &withoutCapture)
                    },
                    Contender(name: "bare") { _ in
                        let outcome = try Spawn.run(bench, bareArguments, environment: scratch.environment)
                        guard outcome.succeeded else {
                            throw BenchError("bare-codex failed (\(outcome.status))")
                        }
                        direct.append(Double(outcome.wallNanoseconds) / 1e6)
                        return outcome.wallNanoseconds
                    },
                ])
        }
        let ratios = Summary.ratios(through, direct)
        let offRatios = Summary.ratios(withoutCapture, direct)
        for (label, series) in [("", ratios), ("with transcripts off, ", offRatios)] {
            if let interval = series.medianInterval95 {
                report.notes.append(
                    "\(label)the median of the \(runs) rounds' ratios lies in \(Format.fixed(interval.lower, digits: 3))–"
                        + "\(Format.fixed(interval.upper, digits: 3))× with 95 % confidence (order statistics, no "
                        + "assumption on the distribution)")
            }
        }
        report.lines = [
            ResultLine(
                label: "agentws send on a stopped thread, wall", value: Summary(through), unit: .milliseconds,
                ratio: Ratio(baseline: "bare client", value: ratios, target: .atMost(1.03))),
            ResultLine(
                label: "agentws send, transcripts off, wall", value: Summary(withoutCapture),
                unit: .milliseconds,
                ratio: Ratio(baseline: "bare client", value: offRatios, target: .atMost(1.03))),
            ResultLine(
                label: "bare client: start, resume, turn, stop", value: Summary(direct), unit: .milliseconds),
        ]
        report.notes.append(
            "each from posix_spawn to wait4 of a fresh process: `agentws send --thread bench again` (loads the "
                + "configuration and the codex plugin, starts the app-server, thread/resume, one turn, stops, and "
                + "by default captures the transcript; once more in a workspace with transcripts off) and "
                + "`agentws-bench bare-codex` (starts the app-server, initialize, thread/resume, one turn, end of "
                + "input and exit), \(runs) rounds of the three, the order rotating")
        withExtendedLifetime(mock) {}
        scratch.remove()
        return report
    }
}

/// The child side of row 11: one resume and one turn on a fresh app-server, then exit.
enum BareCodexChild {
    static func run(root: String, port: Int, codex: String, thread: String) async throws {
        let setup = CodexSetup.attached(root: root, port: port, codex: codex)
        let client = try await BareCodexClient(setup, logPath: root + "/bare-child-stderr.log")
        try await client.resume(thread, cwd: setup.project)
        try await client.turn(thread, text: "again")
        await client.close()
    }
}
