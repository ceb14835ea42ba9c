import AgentwsCore
import AgentwsPlugins
import AgentwsSystem
import Logging

/// Row 13: plugin isolation (issue 15). The echo plugin in this process against the same plugin in
/// an `agentws plugin-host` child, side by side in one run: a warm turn, a plugin load (up to the
/// first answer), and a whole one-shot `agentws send`. Decides the default for the shipped plugins
/// (`Configuration.Plugins.shippedIsolation`, docs/performance.md).
enum IsolationRow {
    static func run(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(number: 13, title: "plugin isolation: in process vs plugin host (echo)")
        let quiet = Logger(label: "agentws-bench") { _ in SwiftLogNoOpLogHandler() }
        let agentws = settings.buildDirectory + "/agentws"
        let pluginDirectory = settings.scratch + "/row9/plugins"
        try Files.makeDirectories(pluginDirectory)
        guard let library = Files.read(settings.buildDirectory + "/libAgentwsEcho.so") else {
            throw BenchError("\(settings.buildDirectory)/libAgentwsEcho.so is missing; build AgentwsEcho")
        }
        try Files.write(library, to: pluginDirectory + "/libAgentwsEcho.so")
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [pluginDirectory]), logger: quiet)
        guard let plugin = catalog.plugin(named: "echo") else {
            throw BenchError("the echo plugin was not loaded: \(catalog.refused.map(\.description))")
        }
        let base =
            Files.fileSystemName("/dev/shm") == "tmpfs"
            ? "/dev/shm/agentws-bench-row9-\(getpid())" : settings.scratch + "/row9/state"
        defer { Files.removeTree(base) }
        // agentws-plugin-host beside agentws, as the product starts it (scripts/bench builds it).
        let hostSettings = PluginHostSettings.forProgram(agentws)
        guard hostSettings.executable.hasSuffix(PluginHostSettings.hostProgramName) else {
            throw BenchError(
                "\(settings.buildDirectory)/agentws-plugin-host is missing; build agentws-plugin-host")
        }
        func configuration(_ side: String) -> PluginProviderConfiguration {
            PluginProviderConfiguration(
                instanceName: "echo", options: .object([:]), workspace: base + "/" + side)
        }
        for side in ["in-process", "isolated", "load"] { try Files.makeDirectories(base + "/" + side) }

        // Warm turns, alternately on each side, one turn at a time.
        let local = try PluginProvider(
            plugin: plugin, configuration: configuration("in-process"), logger: quiet)
        let remote = IsolatedProvider(
            plugin: plugin, configuration: configuration("isolated"), settings: hostSettings, logger: quiet)
        var sessions: [any ProviderSession] = []
        for (provider, side) in [(local as any Provider, "in-process"), (remote, "isolated")] {
            sessions.append(
                try await provider.start(
                    SessionStartRequest(
                        thread: try ThreadID("bench"), cwd: base + "/" + side, model: nil, runtimeMode: nil,
                        resumeCursor: nil),
                    events: { _ in }))
        }
        let turns = settings.size(400, quick: 40)
        var turnTimes: [[Double]] = [[], []]
        for turn in 0..<(turns + 20) {
            for offset in 0..<2 {
                let which = (turn + offset) % 2
                let start = MonotonicTime.now()
                _ = try await sessions[which].send(TurnRequest(text: "the benchmark says hello"))
                // The first turns grow the transcript to its limit; they are not counted.
                if turn >= 20 { turnTimes[which].append(Double(MonotonicTime.now() - start) / 1_000) }
            }
        }
        for session in sessions { try await session.stop() }
        await remote.shutdown()

        // Loads: a new instance up to its first answer (describe). In process, the file is mapped
        // already after the first load, as in any process that loads it once; isolated, each load
        // starts a host, which checks, maps and creates it.
        let loads = settings.size(31, quick: 5)
        var loadTimes: [[Double]] = [[], []]
        for round in 0..<loads {
            for offset in 0..<2 {
                let which = (round + offset) % 2
                let start = MonotonicTime.now()
                if which == 0 {
                    let provider = try PluginProvider(
                        plugin: plugin, configuration: configuration("load"), logger: quiet)
                    _ = try await provider.describe()
                    loadTimes[0].append(Double(MonotonicTime.now() - start) / 1_000)
                } else {
                    let provider = IsolatedProvider(
                        plugin: plugin, configuration: configuration("load"), settings: hostSettings,
                        logger: quiet)
                    _ = try await provider.describe()
                    loadTimes[1].append(Double(MonotonicTime.now() - start) / 1_000)
                    await provider.shutdown()
                }
            }
        }

        // One-shot sends, whole process, alternately: the workspace on the scratch file system (what
        // the target is about: every send's durable writes wait for the disk) and on tmpfs, where
        // nothing waits for a disk and the CPU cost of a process start weighs the most.
        let rounds = settings.quick ? 5 : settings.rounds(31)
        let staticCLI = try staticallyLinkedCLI()
        let onDisk = try sends(
            agentws: agentws, staticCLI: staticCLI, workspace: settings.scratch + "/row9/workspace",
            rounds: rounds)
        var onTmpfs: [[Double]]?
        if Files.fileSystemName("/dev/shm") == "tmpfs" {
            let workspace = "/dev/shm/agentws-bench-row9-sends-\(getpid())"
            defer { Files.removeTree(workspace) }
            onTmpfs = try sends(agentws: agentws, staticCLI: staticCLI, workspace: workspace, rounds: rounds)
        }

        let turnDifference = Summary(turnTimes[1]).median - Summary(turnTimes[0]).median
        report.lines = [
            ResultLine(
                label: "warm echo turn, in process", value: Summary(turnTimes[0]), unit: .microseconds),
            ResultLine(
                label: "warm echo turn, plugin host", value: Summary(turnTimes[1]), unit: .microseconds,
                ratio: Ratio(
                    baseline: "in process", value: Summary.ratios(turnTimes[1], turnTimes[0]), target: nil)),
            ResultLine(
                label: "warm turn: plugin host minus in process (p50)", value: Summary([turnDifference]),
                unit: .microseconds, target: .atMost(200)),
            ResultLine(
                label: "plugin load to first answer, in process (mapped)", value: Summary(loadTimes[0]),
                unit: .microseconds),
            ResultLine(
                label: "plugin load to first answer, new plugin host", value: Summary(loadTimes[1]),
                unit: .microseconds,
                ratio: Ratio(
                    baseline: "in process", value: Summary.ratios(loadTimes[1], loadTimes[0]), target: nil)),
        ]
        report.lines += sendLines(onDisk, suffix: "", target: .atMost(1.15))
        if let onTmpfs { report.lines += sendLines(onTmpfs, suffix: ", tmpfs", target: nil) }
        for (wall, place) in [(onDisk, "the scratch file system"), (onTmpfs, "tmpfs")] {
            guard let wall, let interval = Summary.ratios(wall[1], wall[0]).medianInterval95 else {
                continue
            }
            report.notes.append(
                "one-shot send on \(place), plugin host ÷ in process: 95 % interval of the median ratio "
                    + "\(Format.fixed(interval.lower, digits: 3))–\(Format.fixed(interval.upper, digits: 3))× "
                    + "over \(wall[0].count) rounds")
        }
        report.checks.append(
            "every turn ended with end_turn on both sides; every send and --version exited 0")
        if let staticCLI {
            report.notes.append(
                "a proposal, not the product: \(staticCLI) is agentws linked with --static-swift-stdlib "
                    + "(scripts/bench-static-cli), its plugin in a plugin host; compared with the "
                    + "in-process send and --version of the agentws as built")
        }
        // Named because an A/B comparison must run each build's own agentws-bench: the row never
        // looks at AGENTWS_BENCH_REPO.
        report.notes.append(
            "agentws, \(PluginHostSettings.hostProgramName) and the echo plugin from \(settings.buildDirectory) "
                + "(where this agentws-bench is)")
        report.notes.append(
            "echo state on \(base.hasPrefix("/dev/shm") ? "tmpfs" : "the scratch file system"); the isolated "
                + "one-shot send starts one \(PluginHostSettings.hostProgramName): the plugin files were "
                + "examined by the first send and are remembered in state/plugin-probes.json; each side "
                + "sends in a workspace of its own, so the isolated one maps its plugin ahead as a user's does"
        )
        return report
    }

    /// The lines of `sends`' figures; `suffix` names where the workspace was.
    private static func sendLines(_ wall: [[Double]], suffix: String, target: Target?) -> [ResultLine] {
        [
            ResultLine(
                label: "agentws send (echo), in process, wall" + suffix, value: Summary(wall[0]),
                unit: .milliseconds),
            ResultLine(
                label: "agentws send (echo), plugin host, wall" + suffix, value: Summary(wall[1]),
                unit: .milliseconds,
                ratio: Ratio(baseline: "in process", value: Summary.ratios(wall[1], wall[0]), target: target)),
            ResultLine(
                label: "agentws --version, wall" + suffix, value: Summary(wall[2]), unit: .milliseconds),
        ]
            + (wall.count < 5
                ? []
                : [
                    ResultLine(
                        label: "agentws send (echo), static CLI, plugin host, wall" + suffix,
                        value: Summary(wall[3]), unit: .milliseconds,
                        ratio: Ratio(
                            baseline: "in process", value: Summary.ratios(wall[3], wall[0]), target: nil)),
                    ResultLine(
                        label: "agentws --version, static CLI, wall" + suffix, value: Summary(wall[4]),
                        unit: .milliseconds,
                        ratio: Ratio(
                            baseline: "--version", value: Summary.ratios(wall[4], wall[2]), target: nil)),
                ])
    }

    /// `AGENTWS_BENCH_STATIC_CLI`: an agentws linked statically against the Swift runtime, with the
    /// plugin host and the echo plugin beside it (`scripts/bench-static-cli` makes one); nil unset.
    private static func staticallyLinkedCLI() throws -> String? {
        guard let path = Spawn.currentEnvironment()["AGENTWS_BENCH_STATIC_CLI"], !path.isEmpty else {
            return nil
        }
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        for needed in [
            path, directory + "/" + PluginHostSettings.hostProgramName, directory + "/libAgentwsEcho.so",
        ]
        where !FileIO.exists(needed) {
            throw BenchError(
                "AGENTWS_BENCH_STATIC_CLI=\(path): \(needed) is missing; scripts/bench-static-cli puts it there"
            )
        }
        return path
    }

    /// Wall times in milliseconds of `agentws send` in process, isolated, and `agentws --version`
    /// (what starting agentws at all costs, which no send goes below), interleaved in `rounds`
    /// rounds, in new workspaces under `workspace`. The first send of each side runs before,
    /// uncounted: it starts the thread, and the isolated one examines the plugin files (and
    /// remembers them).
    ///
    /// Each side has a workspace of its own, as a user whose configuration says how the instance
    /// runs has: an instance created in process removes the hint that it runs in a plugin host
    /// (`SparePluginHost.markerPath`), so sharing one workspace would make every isolated send start
    /// as if the instance had never run in a host (no plugin mapped ahead, the hint written again).
    ///
    /// With `staticCLI`, two more figures in the same rounds: its isolated send (in a third
    /// workspace) and its `--version`.
    private static func sends(agentws: String, staticCLI: String?, workspace: String, rounds: Int) throws
        -> [[Double]]
    {
        var environment = Spawn.currentEnvironment()
        environment["AGENTWS_PLUGIN_PATH"] = nil
        environment["AGENTWS_BENCH_STATIC_CLI"] = nil
        environment["XDG_CONFIG_HOME"] = workspace + "/no-user-config"
        let send = ["send", "--thread", "bench", "hello from the benchmark"]
        var sides: [(program: String, environment: [String: String])] = []
        let kinds =
            [(agentws, "in-process"), (agentws, "process")] + (staticCLI.map { [($0, "process")] } ?? [])
        for (index, (program, isolation)) in kinds.enumerated() {
            let root = workspace + "/" + (index == 2 ? "static-cli" : isolation)
            try Files.makeDirectories(root)
            var side = environment
            side["AGENTWS_WORKSPACE"] = root
            side["AGENTWS_PLUGINS_ISOLATION"] = isolation
            guard try Spawn.run(program, ["init", root], environment: side).succeeded,
                try Spawn.run(program, send, environment: side).succeeded
            else { throw BenchError("\(program) init or send in \(root) failed") }
            sides.append((program, side))
        }
        environment["AGENTWS_WORKSPACE"] = workspace + "/in-process"
        var commands = [
            (agentws, send, sides[0].environment), (agentws, send, sides[1].environment),
            (agentws, ["--version"], environment),
        ]
        if let staticCLI {
            commands += [(staticCLI, send, sides[2].environment), (staticCLI, ["--version"], environment)]
        }
        var wall = [[Double]](repeating: [], count: commands.count)
        for round in 0..<rounds {
            for offset in 0..<commands.count {
                let which = (round + offset) % commands.count
                let (program, arguments, environment) = commands[which]
                let outcome = try Spawn.run(program, arguments, environment: environment)
                guard outcome.succeeded else {
                    throw BenchError("\(program) \(arguments[0]) exited with \(outcome.status)")
                }
                wall[which].append(Double(outcome.wallNanoseconds) / 1e6)
            }
        }
        return wall
    }
}
