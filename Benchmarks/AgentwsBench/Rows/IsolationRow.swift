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
        let alone = try echoAlone(settings)
        let shipped = (try Files.list(settings.buildDirectory)).filter {
            $0.hasPrefix("lib") && $0.hasSuffix(".so") && $0 != "libAgentwsEcho.so"
        }.sorted()
        let programs = Programs(
            alone: alone, besideShipped: shipped.isEmpty ? nil : agentws, staticCLI: staticCLI)
        // Before the sides' first sends, which examine the plugin files and remember them.
        let programPaths = [programs.alone, programs.besideShipped, programs.staticCLI].compactMap { $0 }
        try SettledPlugins.wait(in: programPaths.map(Files.directory(of:)))
        let onDisk = try sends(programs, workspace: settings.scratch + "/row9/workspace", rounds: rounds)
        // CPU per send with the plugin host it leaves running, in rounds of their own: each command
        // is reaped with that host before the next starts, which the wall rounds must not wait for.
        var cpu: [[Double]]?
        if !ChildSubreaper.hasChildren, ChildSubreaper.set(true) {
            defer { _ = ChildSubreaper.set(false) }
            cpu = try sends(
                programs, workspace: settings.scratch + "/row13/cpu", rounds: max(5, rounds / 3),
                measure: .cpuWithOrphans)
        }
        var onTmpfs: [[Double]]?
        if Files.fileSystemName("/dev/shm") == "tmpfs" {
            let workspace = "/dev/shm/agentws-bench-row9-sends-\(getpid())"
            defer { Files.removeTree(workspace) }
            onTmpfs = try sends(programs, workspace: workspace, rounds: rounds)
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
        report.lines += sendLines(onDisk, programs, suffix: "", target: .atMost(1.15))
        if let cpu {
            report.lines += [
                ResultLine(
                    label: "agentws send (echo), in process, CPU", value: Summary(cpu[Programs.inProcess]),
                    unit: .milliseconds),
                ResultLine(
                    label: "agentws send (echo), plugin host, CPU with the host",
                    value: Summary(cpu[Programs.isolated]), unit: .milliseconds,
                    ratio: Ratio(
                        baseline: "in process",
                        value: Summary.ratios(cpu[Programs.isolated], cpu[Programs.inProcess]), target: nil)),
            ]
            report.notes.append(
                "CPU: user + system time of agentws and of the plugin host it leaves running (reaped by "
                    + "this process as a child subreaper), echo alone on the scratch file system, "
                    + "\(cpu[Programs.inProcess].count) rounds after the wall ones, each send reaped before "
                    + "the next starts")
        } else {
            report.notes.append(
                "CPU per send not measured: this process has children of its own, or cannot be a child "
                    + "subreaper")
        }
        if let onTmpfs { report.lines += sendLines(onTmpfs, programs, suffix: ", tmpfs", target: nil) }
        for (wall, place) in [(onDisk, "the scratch file system"), (onTmpfs, "tmpfs")] {
            guard let wall else { continue }
            var pairs = [(Programs.isolated, Programs.inProcess, "echo alone")]
            if programs.besideShipped != nil {
                pairs.append(
                    (
                        Programs.isolatedBesideShipped, Programs.inProcessBesideShipped,
                        "beside the shipped plugins"
                    ))
            }
            for (isolated, inProcess, which) in pairs {
                guard let interval = Summary.ratios(wall[isolated], wall[inProcess]).medianInterval95 else {
                    continue
                }
                report.notes.append(
                    "one-shot send on \(place), \(which), plugin host ÷ in process: 95 % interval of the "
                        + "median ratio \(Format.fixed(interval.lower, digits: 3))–"
                        + "\(Format.fixed(interval.upper, digits: 3))× over \(wall[inProcess].count) rounds")
            }
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
                + "(where this agentws-bench is); the target's sends run them from "
                + "\(Files.directory(of: alone)), linked there with no other plugin beside them"
                + (shipped.isEmpty
                    ? ""
                    : "; the sends beside the shipped plugins also have \(shipped.joined(separator: ", "))"))
        let hostLog = Files.read(
            settings.scratch + "/row9/workspace/process/.agentws/state/providers/echo/plugin-host.log")
        let starts = String(decoding: hostLog ?? [], as: UTF8.self).split(separator: "\n").filter {
            $0.contains("=== started")
        }
        report.notes.append(
            "echo state on \(base.hasPrefix("/dev/shm") ? "tmpfs" : "the scratch file system"); "
                + "plugins.isolation set in each side's configuration; the isolated one-shot send runs one "
                + "plugin host, a copy of agentws forked first thing in main (the instance ran in a host "
                + "before): \(starts.filter { $0.contains("as a copy of agentws") }.count) of the "
                + "\(starts.count) hosts of the isolated sends on the scratch file system were forked "
                + "copies (the first, the side's setup, started \(PluginHostSettings.hostProgramName)); "
                + "the plugin files were examined by the first send and are remembered in "
                + "state/plugin-probes.json")
        return report
    }

    /// The lines of `sends`' figures; `suffix` names where the workspace was.
    private static func sendLines(_ wall: [[Double]], _ programs: Programs, suffix: String, target: Target?)
        -> [ResultLine]
    {
        func ratio(_ isolated: Int, _ baseline: Int, _ name: String, _ target: Target?) -> Ratio {
            Ratio(baseline: name, value: Summary.ratios(wall[isolated], wall[baseline]), target: target)
        }
        var lines = [
            ResultLine(
                label: "agentws send (echo), in process, wall" + suffix,
                value: Summary(wall[Programs.inProcess]),
                unit: .milliseconds),
            ResultLine(
                label: "agentws send (echo), plugin host, wall" + suffix,
                value: Summary(wall[Programs.isolated]),
                unit: .milliseconds, ratio: ratio(Programs.isolated, Programs.inProcess, "in process", target)
            ),
            ResultLine(
                label: "agentws --version, wall" + suffix, value: Summary(wall[Programs.version]),
                unit: .milliseconds),
        ]
        if programs.besideShipped != nil {
            lines += [
                ResultLine(
                    label: "agentws send (echo), in process, beside the shipped plugins, wall" + suffix,
                    value: Summary(wall[Programs.inProcessBesideShipped]), unit: .milliseconds),
                ResultLine(
                    label: "agentws send (echo), plugin host, beside the shipped plugins, wall" + suffix,
                    value: Summary(wall[Programs.isolatedBesideShipped]), unit: .milliseconds,
                    ratio: ratio(
                        Programs.isolatedBesideShipped, Programs.inProcessBesideShipped, "in process", nil)),
            ]
        }
        if let staticSend = programs.staticSend {
            lines += [
                ResultLine(
                    label: "agentws send (echo), static CLI, plugin host, wall" + suffix,
                    value: Summary(wall[staticSend]), unit: .milliseconds,
                    ratio: ratio(staticSend, Programs.inProcess, "in process", nil)),
                ResultLine(
                    label: "agentws --version, static CLI, wall" + suffix,
                    value: Summary(wall[staticSend + 1]),
                    unit: .milliseconds, ratio: ratio(staticSend + 1, Programs.version, "--version", nil)),
            ]
        }
        return lines
    }

    /// `AGENTWS_BENCH_STATIC_CLI`: an agentws linked statically against the Swift runtime, with the
    /// plugin host and the echo plugin beside it (`scripts/bench-static-cli` makes one); nil unset.
    private static func staticallyLinkedCLI() throws -> String? {
        guard let path = Spawn.currentEnvironment()["AGENTWS_BENCH_STATIC_CLI"], !path.isEmpty else {
            return nil
        }
        let directory = Files.directory(of: path)
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

    /// The agentws programs the one-shot sends run, and where each one's figures are in `sends`.
    ///
    /// The target compares agentws with the echo plugin alone beside it (`alone`), so that both
    /// sides discover the same one file. Beside the shipped plugins (the build directory), the
    /// in-process side alone once mapped the other plugins at discovery, which is not what
    /// isolating one costs; discovery now maps only what an instance uses, and the pair beside
    /// them is kept as a report line to show it stays so.
    struct Programs {
        /// agentws in a directory where the echo plugin is the only plugin.
        var alone: String
        /// agentws in the build directory, when other plugins are there.
        var besideShipped: String?
        /// A statically linked agentws (`AGENTWS_BENCH_STATIC_CLI`), with echo alone beside it.
        var staticCLI: String?

        static let inProcess = 0
        static let isolated = 1
        static let version = 2
        static let inProcessBesideShipped = 3
        static let isolatedBesideShipped = 4
        /// Where the static CLI's send is (its `--version` follows), if it runs.
        var staticSend: Int? { staticCLI.map { _ in besideShipped == nil ? 3 : 5 } }
    }

    /// A directory holding agentws, the plugin host and the echo plugin, and nothing else: hard
    /// links to the build's files (copies where links cannot be made), so that a plugin found beside
    /// agentws lives there as the loader requires. Returns the agentws in it.
    private static func echoAlone(_ settings: Settings) throws -> String {
        let directory = settings.scratch + "/row13/echo-alone"
        try Files.makeDirectories(directory)
        for name in ["agentws", PluginHostSettings.hostProgramName, "libAgentwsEcho.so"] {
            let source = settings.buildDirectory + "/" + name
            let target = directory + "/" + name
            unlink(target)
            if link(source, target) == 0 { continue }
            guard let bytes = Files.read(source) else { throw BenchError("\(source) is missing") }
            try Files.write(bytes, to: target)
            if chmod(target, 0o755) != 0 { throw BenchError.system("chmod", target) }
        }
        return directory + "/agentws"
    }

    /// What `sends` takes of each command.
    enum Measure {
        /// Wall time, spawn to reaping, in milliseconds.
        case wall
        /// User plus system CPU time in milliseconds of the command and of what it leaves running
        /// (its plugin host, with this process a `ChildSubreaper`); only the sends in process and
        /// isolated, each reaped whole before the next starts.
        case cpuWithOrphans
    }

    /// What `measure` takes (wall times in milliseconds, unless told) of `agentws send` in process
    /// and isolated, and of `agentws --version` (what starting agentws at all costs, which no send
    /// goes below), interleaved in `rounds` rounds, in new workspaces under `workspace`, in the
    /// order of `Programs`' indices.
    /// The first send of each side runs before, uncounted: it starts the thread, and the isolated
    /// one examines the plugin files (and remembers them).
    ///
    /// Each side has a workspace of its own, as a user whose configuration says how the instance
    /// runs has: an instance created in process removes the hint that it runs in a plugin host
    /// (`SparePluginHost.markerPath`), so sharing one workspace would make every isolated send start
    /// as if the instance had never run in a host (no spare host forked, the hint written again).
    private static func sends(
        _ programs: Programs, workspace: String, rounds: Int, measure: Measure = .wall
    ) throws -> [[Double]] {
        var environment = Spawn.currentEnvironment()
        environment["AGENTWS_PLUGIN_PATH"] = nil
        environment["AGENTWS_BENCH_STATIC_CLI"] = nil
        environment["XDG_CONFIG_HOME"] = workspace + "/no-user-config"
        let send = ["send", "--thread", "bench", "hello from the benchmark"]
        environment["AGENTWS_PLUGINS_ISOLATION"] = nil
        /// A workspace of its own for `program` with `isolation` in its configuration (as a user
        /// sets it: a send reads it, not an override, to decide on a spare plugin host), its thread
        /// started.
        func side(_ program: String, _ isolation: String, _ name: String) throws -> [String: String] {
            let root = workspace + "/" + name
            try Files.makeDirectories(root)
            var side = environment
            side["AGENTWS_WORKSPACE"] = root
            guard try Spawn.run(program, ["init", root], environment: side).succeeded else {
                throw BenchError("\(program) init \(root) failed")
            }
            let config = root + "/.agentws/config.yaml"
            try Files.write(
                (Files.read(config) ?? []) + Array("plugins:\n  isolation: \(isolation)\n".utf8), to: config)
            guard try Spawn.run(program, send, environment: side).succeeded else {
                throw BenchError("\(program) send in \(root) failed")
            }
            return side
        }
        environment["AGENTWS_WORKSPACE"] = workspace + "/in-process"
        var commands = [
            (programs.alone, send, try side(programs.alone, "in-process", "in-process")),
            (programs.alone, send, try side(programs.alone, "process", "process")),
            (programs.alone, ["--version"], environment),
        ]
        if let beside = programs.besideShipped {
            commands += [
                (beside, send, try side(beside, "in-process", "shipped-in-process")),
                (beside, send, try side(beside, "process", "shipped-process")),
            ]
        }
        if let staticCLI = programs.staticCLI {
            commands += [
                (staticCLI, send, try side(staticCLI, "process", "static-cli")),
                (staticCLI, ["--version"], environment),
            ]
        }
        if measure == .cpuWithOrphans {
            commands = Array(commands[...Programs.isolated])
            _ = ChildSubreaper.reapRemaining()
        }
        var figures = [[Double]](repeating: [], count: commands.count)
        for round in 0..<rounds {
            for offset in 0..<commands.count {
                let which = (round + offset) % commands.count
                let (program, arguments, environment) = commands[which]
                let outcome = try Spawn.run(program, arguments, environment: environment)
                guard outcome.succeeded else {
                    throw BenchError("\(program) \(arguments[0]) exited with \(outcome.status)")
                }
                switch measure {
                case .wall:
                    figures[which].append(Double(outcome.wallNanoseconds) / 1e6)
                case .cpuWithOrphans:
                    let orphans = ChildSubreaper.reapRemaining()
                    figures[which].append(Double(outcome.cpuNanoseconds + orphans) / 1e6)
                }
            }
        }
        return figures
    }
}
