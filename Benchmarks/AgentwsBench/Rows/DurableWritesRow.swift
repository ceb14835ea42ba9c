import AgentwsCore
import AgentwsStorage
import AgentwsSystem

/// Row 1: durable binding writes whose content changed, against the bare file-replacement floor and
/// against SQLite upserts, interleaved in pieces of 50 threads.
enum DurableWritesRow {
    static func run(_ settings: Settings) async throws -> RowReport {
        let threads = settings.size(2_000, quick: 200)
        let piece = settings.quick ? 20 : 50
        let root = settings.scratch + "/row1"
        var report = RowReport(
            number: 1, title: "durable binding writes, changed content, \(threads) threads")

        let workspace = Workspace(root: root + "/agentws")
        let floorDirectory = root + "/floor"
        try Files.makeDirectories(workspace.bindingsDirectory)
        try Files.makeDirectories(floorDirectory)
        let initial = try (0..<threads).map { try Fixture.binding($0, generation: 0) }
        for binding in initial {
            let bytes = try BindingCodec.encode(binding)
            try Files.write(bytes, to: workspace.bindingPath(binding.threadID))
            try Files.write(bytes, to: floorDirectory + "/" + binding.threadID.rawValue + ".json")
        }
        let table = try RuntimeTable(path: root + "/runtime.sqlite")
        try table.fill(initial, lastSeenAt: UTCDateTime(secondsSinceEpoch: 1_767_225_600).description)
        let store = try BindingStore.open(workspace)
        // A live session holds its thread's lock for as long as it runs, so writes happen under a
        // lock already taken; taking it is not part of a write.
        let locks = try initial.map { try store.lock($0.threadID) }
        defer { locks.forEach { $0.release() } }
        let floor = try FloorWriter(directory: floorDirectory)
        sync()

        var times: [[Double]] = [[], [], []]
        var lastGeneration = 0
        for round in 0..<settings.rounds(3) {
            let generation = round + 1
            lastGeneration = generation
            let bindings = try (0..<threads).map { try Fixture.binding($0, generation: generation) }
            let bytes = try bindings.map { try BindingCodec.encode($0) }
            let names = bindings.map { $0.threadID.rawValue + ".json" }
            let lastSeen = UTCDateTime(secondsSinceEpoch: 1_767_225_600 + Int64(generation)).description
            let totals = try await alternate(
                pieces: threads / piece, round: round,
                [
                    Contender(name: "agentws") { index in
                        try MonotonicTime.measure {
                            for thread in (index * piece)..<((index + 1) * piece) {
                                let outcome = try store.write(bindings[thread], holding: locks[thread])
                                guard outcome == .written else {
                                    throw BenchError("a changed binding was not written")
                                }
                            }
                        }
                    },
                    Contender(name: "floor") { index in
                        try MonotonicTime.measure {
                            for thread in (index * piece)..<((index + 1) * piece) {
                                try floor.replace(names[thread], with: bytes[thread])
                            }
                        }
                    },
                    Contender(name: "sqlite") { index in
                        try MonotonicTime.measure {
                            for thread in (index * piece)..<((index + 1) * piece) {
                                try table.write(bindings[thread], lastSeenAt: lastSeen)
                            }
                        }
                    },
                ])
            for (which, total) in totals.enumerated() {
                times[which].append(Double(total) / Double(threads) / 1_000)
            }
        }

        try verify(
            workspace: workspace, floorDirectory: floorDirectory, table: table, threads: threads,
            generation: lastGeneration, into: &report)

        let agentws = ResultLine(
            label: "agentws write (lock held)", value: Summary(times[0]), unit: .microseconds)
        report.lines = [
            ResultLine(
                label: agentws.label, value: agentws.value, unit: .microseconds,
                ratio: Ratio(
                    baseline: "floor", value: Summary.ratios(times[0], times[1]),
                    target: .atMost(Self.floorLimit))),
            ResultLine(
                label: agentws.label, value: agentws.value, unit: .microseconds,
                ratio: Ratio(
                    baseline: "SQLite upsert", value: Summary.ratios(times[0], times[2]), target: .atMost(1.0)
                )),
            ResultLine(
                label: "floor: tmp+fsync+rename+fsync dir", value: Summary(times[1]), unit: .microseconds),
            ResultLine(
                label: "SQLite upsert (WAL, synchronous=FULL)", value: Summary(times[2]), unit: .microseconds),
        ]
        report.notes.append(
            "ratios are agentws time ÷ baseline time per round; the targets '≥ 0.85× the floor' and "
                + "'≥ 1.0× SQLite' (throughput) are time ratios ≤ 1/0.85 = \(Format.number(Self.floorLimit)) and ≤ 1.0"
        )
        return report
    }

    /// Throughput at least 0.85× the floor's, as a ratio of times.
    static let floorLimit = 1 / 0.85

    private static func verify(
        workspace: Workspace, floorDirectory: String, table: RuntimeTable, threads: Int, generation: Int,
        into report: inout RowReport
    ) throws {
        for index in 0..<threads {
            let binding = try Fixture.binding(index, generation: generation)
            let expected = try BindingCodec.encode(binding)
            guard Files.read(workspace.bindingPath(binding.threadID)) == expected,
                Files.read(floorDirectory + "/" + binding.threadID.rawValue + ".json") == expected
            else {
                throw BenchError(
                    "thread \(binding.threadID): the file does not hold the last binding written")
            }
        }
        let leftovers = try Files.list(workspace.bindingsDirectory).filter { $0.hasPrefix(".") }
        guard leftovers.isEmpty else {
            throw BenchError("temporary files left behind: \(leftovers.prefix(3))")
        }
        let rows = try table.database.scalar(
            "SELECT count(*) FROM provider_session_runtime WHERE resume_cursor_json LIKE '%"
                + Fixture.conversation(threads - 1, generation: generation) + "%'")
        guard rows == "1" else { throw BenchError("SQLite does not hold the last upsert") }
        report.checks.append(
            "every agentws and floor file holds the last binding's canonical bytes, no temporary file is left, "
                + "SQLite holds the last upsert")
    }
}
