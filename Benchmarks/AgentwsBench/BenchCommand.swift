import AgentwsJSON
import AgentwsSystem
import ArgumentParser

/// `agentws-bench`: the benchmark suite of docs/performance.md. Run it through `scripts/bench`.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentws-bench",
        abstract: "Measure agentws against its baselines, side by side in the same run.",
        subcommands: [
            RunBenchmarks.self, LoadPluginCommand.self, MakeWorkspaceCommand.self, ListWorkspaceCommand.self,
            BareCodexCommand.self, PoolCommand.self,
        ],
        defaultSubcommand: RunBenchmarks.self)
}

struct RunBenchmarks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the rows of the benchmark and print the results table.")

    @Option(help: "Rows to run, e.g. 1,3,7 (default: all).")
    var rows: String = "1,2,3,4,5,6,7,8,9,10,11,12,13,14"

    @Option(help: "Where to write the results as JSON.")
    var json: String = "benchmark-results.json"

    @Option(
        help:
            "Scratch directory on the file system to measure (default: bench-scratch next to this executable)."
    )
    var scratch: String?

    @Flag(help: "Small sizes and few rounds: to try the suite out, not for figures.")
    var quick = false

    @Flag(help: "Do not drop the page cache for cold figures even when permitted.")
    var noColdCache = false

    @Option(help: "Multiply every row's rounds by this (more samples where the spread is wide).")
    var roundsFactor = 1

    mutating func run() async throws {
        let buildDirectory = try BenchExecutable.directory()
        let scratchRoot = (scratch ?? buildDirectory + "/bench-scratch") + "/run-\(getpid())"
        try Files.makeDirectories(scratchRoot)
        defer { Files.removeTree(scratchRoot) }
        guard roundsFactor >= 1 else {
            throw BenchError("--rounds-factor must be 1 or more, not \(roundsFactor)")
        }
        let settings = Settings(
            quick: quick, scratch: scratchRoot, buildDirectory: buildDirectory, dropCaches: !noColdCache,
            roundsFactor: roundsFactor)
        let machine = Machine.describe(scratch: scratchRoot)
        printError(machine.summary)

        let wanted = Set(rows.split(separator: ",").compactMap { Int($0.trimmingCharacters()) })
        let all: [(Int, (Settings) async throws -> RowReport)] = [
            (1, DurableWritesRow.run), (2, UnchangedWritesRow.run), (3, ListBindingsRow.run),
            (4, PluginLoadRow.run), (5, EchoTurnRow.run), (6, ReaperSweepRow.run), (7, WholeProcessRow.run),
            (8, DaemonRow.run), (9, CodexRows.memory), (10, CodexRows.warmTurn), (11, CodexRows.oneShot),
            (12, ClaudeRow.run), (13, IsolationRow.run), (14, TranscriptCaptureRow.run),
        ]
        var reports: [RowReport] = []
        for (number, row) in all where wanted.contains(number) {
            printError("row \(number)…")
            let start = MonotonicTime.now()
            reports.append(try await row(settings))
            printError("row \(number) took \(Format.number(Double(MonotonicTime.now() - start) / 1e9)) s")
        }

        let endLoad = Machine.currentLoad()
        print(machine.summary)
        print("load average at end: \(endLoad)\n")
        print(Table.render(reports), terminator: "")
        let document: JSONValue = .object([
            "machine": machine.json, "loadAverageAtEnd": .string(endLoad), "quick": .bool(quick),
            "rows": .array(reports.map(\.json)),
        ])
        try Files.write(JSONWriter.canonical(document), to: json)
        print("\nresults written to \(json)")
    }

    private func printError(_ text: String) {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// The child side of row 4: loads one plugin in this fresh process and prints the nanoseconds.
struct LoadPluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-plugin", abstract: "Time loading one plugin in this process (used by row 4).",
        shouldDisplay: false)

    @Option var directory: String
    @Option var plugin: String
    @Option var workspace: String

    func run() throws {
        print(try PluginLoadChild.run(directory: directory, plugin: plugin, workspace: workspace))
    }
}

/// The child side of row 11: the bare client's one-shot resume and turn on a fresh app-server.
struct BareCodexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare-codex", abstract: "Resume a codex thread and run one turn, bare (used by row 11).",
        shouldDisplay: false)

    @Option var root: String
    @Option var port: Int
    @Option var codex: String
    @Option var thread: String

    func run() async throws {
        try await BareCodexChild.run(root: root, port: port, codex: codex, thread: thread)
    }
}
