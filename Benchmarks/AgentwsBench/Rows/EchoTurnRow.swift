import AgentwsCore
import AgentwsPlugins
import AgentwsSystem
import EchoProvider
import Logging
import ProviderKit
import Synchronization

/// Row 5: one echo turn through the plugin ABI in this process, against a direct Swift call of the
/// same echo logic (the `EchoPlugin` actor, linked into the benchmark, with its events handed over
/// as Swift values). Echo stores its conversation durably twice per turn, so the row runs once with
/// the state on the file system under test and once on tmpfs, where the ABI's own cost shows.
enum EchoTurnRow {
    static let message = "the benchmark says hello to echo"

    static func run(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(number: 5, title: "one echo turn in process: plugin ABI vs direct Swift call")
        let pluginDirectory = settings.scratch + "/row5/plugins"
        try Files.makeDirectories(pluginDirectory)
        guard let library = Files.read(settings.buildDirectory + "/libAgentwsEcho.so") else {
            throw BenchError("\(settings.buildDirectory)/libAgentwsEcho.so is missing; build AgentwsEcho")
        }
        try Files.write(library, to: pluginDirectory + "/libAgentwsEcho.so")
        let quiet = Logger(label: "agentws-bench") { _ in SwiftLogNoOpLogHandler() }
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [pluginDirectory]), logger: quiet)
        guard let plugin = catalog.plugin(named: "echo") else {
            throw BenchError("the echo plugin was not loaded: \(catalog.refused.map(\.description))")
        }

        let disk = settings.scratch + "/row5/state"
        try await measure(
            base: disk, where: Files.fileSystemName(settings.scratch), plugin: plugin, logger: quiet,
            pieces: 4, turnsPerPiece: settings.quick ? 5 : 25, rounds: settings.rounds(5), into: &report)
        if Files.fileSystemName("/dev/shm") == "tmpfs" {
            let memory = "/dev/shm/agentws-bench-\(getpid())"
            defer { Files.removeTree(memory) }
            try await measure(
                base: memory, where: "tmpfs", plugin: plugin, logger: quiet, pieces: 10,
                turnsPerPiece: settings.quick ? 20 : 200, rounds: settings.rounds(5), into: &report)
        } else {
            report.notes.append("no tmpfs at /dev/shm: only the figure with the state on disk")
        }
        report.notes.append(
            "a turn: echo parses directives, counts the turn, stores the conversation (temporary file, "
                + "fsync, rename, fsync of the directory), streams the reply word by word as events, stores "
                + "it again; through the ABI add the JSON request and reply, each event as JSON through "
                + "the host callback, and the completion resuming the caller")
        return report
    }

    private static func measure(
        base: String, where fileSystem: String, plugin: LoadedPlugin, logger: Logger, pieces: Int,
        turnsPerPiece: Int, rounds: Int, into report: inout RowReport
    ) async throws {
        let thread = try ThreadID("bench")
        // Through the ABI: the host side the product uses.
        let abiWorkspace = base + "/abi"
        try Files.makeDirectories(abiWorkspace)
        let abiBytes = ByteCounter()
        let provider = try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: "echo", options: .object([:]), workspace: abiWorkspace),
            logger: logger)
        let abiSession = try await provider.start(
            SessionStartRequest(
                thread: thread, cwd: abiWorkspace, model: nil, runtimeMode: nil, resumeCursor: nil),
            events: { event in if case .text(let text) = event { abiBytes.add(text.utf8.count) } })

        // Directly: the same plugin logic, called as a Swift actor.
        let directWorkspace = base + "/direct"
        let directState = directWorkspace + "/.agentws/state/providers/echo"
        try Files.makeDirectories(directState)
        let directBytes = ByteCounter()
        let host = PluginHost(
            events: { event, _ in if case .text(let text) = event { directBytes.add(text.utf8.count) } },
            log: { _, _ in })
        let echo = try EchoPlugin(
            configuration: PluginConfiguration(
                instanceName: "echo", options: [:], workspace: directWorkspace, stateDirectory: directState),
            host: host)
        let directSession = try await echo.start(
            StartRequest(
                thread: "bench", cwd: directWorkspace, model: nil, runtimeMode: nil, resumeCursor: nil)
        )
        .session

        let contenders = [
            Contender(name: "abi") { _ in
                try await MonotonicTime.measure {
                    for _ in 0..<turnsPerPiece {
                        let outcome = try await abiSession.send(TurnRequest(text: message))
                        guard outcome.stopReason == .endTurn else {
                            throw BenchError("an ABI turn did not end")
                        }
                    }
                }
            },
            Contender(name: "direct") { _ in
                try await MonotonicTime.measure {
                    for _ in 0..<turnsPerPiece {
                        let result = try await echo.send(
                            PluginTurnRequest(session: directSession, text: message, model: nil))
                        guard result.stopReason == .endTurn else {
                            throw BenchError("a direct turn did not end")
                        }
                    }
                }
            },
        ]
        // Warm-up: the transcript grows to its limit, so every measured turn stores the same size.
        _ = try await alternate(pieces: 1, contenders)
        var times: [[Double]] = [[], []]
        for round in 0..<rounds {
            let totals = try await alternate(pieces: pieces, round: round, contenders)
            for (which, total) in totals.enumerated() {
                times[which].append(Double(total) / Double(pieces * turnsPerPiece) / 1_000)
            }
        }
        try await abiSession.stop()
        try await echo.stop(session: directSession)
        guard abiBytes.value == directBytes.value, abiBytes.value > 0 else {
            throw BenchError("the ABI and direct turns streamed different replies")
        }
        report.checks.append(
            "state on \(fileSystem): both sides streamed the same \(abiBytes.value) bytes of replies")
        report.lines.append(
            ResultLine(
                label: "echo turn through the ABI, state on \(fileSystem)", value: Summary(times[0]),
                unit: .microseconds,
                ratio: Ratio(
                    baseline: "direct Swift call", value: Summary.ratios(times[0], times[1]), target: nil)))
        report.lines.append(
            ResultLine(
                label: "echo turn, direct Swift call, state on \(fileSystem)", value: Summary(times[1]),
                unit: .microseconds))
    }
}

/// Counts reply bytes from events that arrive on any thread.
final class ByteCounter: Sendable {
    private let total = Atomic<Int>(0)

    func add(_ count: Int) { total.wrappingAdd(count, ordering: .relaxed) }

    var value: Int { total.load(ordering: .relaxed) }
}
