import AgentwsCore
import AgentwsStorage
import AgentwsSystem

/// Row 3: open a workspace and list every binding, at two sizes, with warm and cold caches, against
/// an SQLite select of every row.
enum ListBindingsRow {
    static func run(_ settings: Settings) async throws -> RowReport {
        let sizes = settings.quick ? [1_000, 10_000] : [10_000, 100_000]
        var report = RowReport(number: 3, title: "open a workspace and list all bindings")
        for size in sizes {
            try await measure(size: size, settings: settings, into: &report)
        }
        report.notes.append(
            "'floor: readdir+stat' reads the directory and stats every file in a minimal loop: what any "
                + "listing that notices files changed underneath must do at least; 'no index' deletes "
                + "state/bindings.index first, so every file is read and parsed and the index rebuilt")
        report.notes.append(
            "'SQLite rows' reads every column of every row as a Swift string, in storage order; "
                + "'SQLite → Binding' sorts by thread and builds the same Binding values as the files give "
                + "(JSON columns parsed, ids and times validated)")
        return report
    }

    private static func measure(size: Int, settings: Settings, into report: inout RowReport) async throws {
        let root = settings.scratch + "/row3-\(size)"
        let workspace = Workspace(root: root)
        let database = root + "/runtime.sqlite"
        try Files.makeDirectories(workspace.bindingsDirectory)
        var bindings: [Binding] = []
        bindings.reserveCapacity(size)
        for index in 0..<size {
            let binding = try Fixture.binding(index, generation: 0)
            try Files.write(try BindingCodec.encode(binding), to: workspace.bindingPath(binding.threadID))
            bindings.append(binding)
        }
        do {
            let table = try RuntimeTable(path: database)
            try table.fill(bindings, lastSeenAt: Fixture.createdAt.description)
            try table.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        sync()
        let expected = bindings
        bindings = []

        // Files in a repository are older than the index's racy window (a file changed within it is
        // not trusted from the index); wait until these are too.
        try await Task.sleep(for: .nanoseconds(Self.racyWindowNanoseconds + 500_000_000))

        let indexPath = workspace.bindingIndexPath
        let contenders = [
            Contender(name: "agentws") { _ in
                try MonotonicTime.measure { try openAndList(root: root, size: size) }
            },
            Contender(name: "agentws, no index") { _ in
                unlink(indexPath)
                return try MonotonicTime.measure { try openAndList(root: root, size: size) }
            },
            Contender(name: "floor") { _ in
                try MonotonicTime.measure {
                    guard try StatFloor.statEveryFile(in: workspace.bindingsDirectory) == size else {
                        throw BenchError("the floor did not find \(size) files")
                    }
                }
            },
            Contender(name: "SQLite rows") { _ in
                try MonotonicTime.measure {
                    guard try RuntimeListing.rows(path: database) == size else {
                        throw BenchError("rows missing")
                    }
                }
            },
            Contender(name: "SQLite → Binding") { _ in
                try MonotonicTime.measure {
                    guard try RuntimeListing.bindings(path: database).count == size else {
                        throw BenchError("rows missing")
                    }
                }
            },
        ]
        try checkSameResults(workspace: workspace, database: database, expected: expected, into: &report)

        // Warm: one run each to fill the caches, then rounds in rotating order.
        _ = try await alternate(pieces: 1, contenders)
        var warm = [[Double]](repeating: [], count: contenders.count)
        for round in 0..<settings.rounds(7) {
            let totals = try await alternate(pieces: 1, round: round, contenders)
            for (which, total) in totals.enumerated() { warm[which].append(Double(total)) }
        }
        addLines(warm, state: "warm", size: size, into: &report)

        guard settings.dropCaches else { return }
        var cold = [[Double]](repeating: [], count: contenders.count)
        for round in 0..<settings.rounds(3) {
            for offset in 0..<contenders.count {
                let which = (round + offset) % contenders.count
                guard PageCache.drop() else {
                    report.notes.append(
                        "no cold figures: \(PageCache.control) is not writable (run as root to drop caches)")
                    return
                }
                cold[which].append(Double(try await contenders[which].run(0)))
            }
        }
        addLines(cold, state: "cold", size: size, into: &report)
    }

    /// The fixture files are this much older than "now" before anything is measured.
    static let racyWindowNanoseconds: Int64 = 2_000_000_000

    /// What `agentws list` does: find the workspace, open its store, list every binding.
    private static func openAndList(root: String, size: Int) throws {
        let found = try Workspace.locate(explicit: root, environment: [:], currentDirectory: "/")
        let listings = try BindingStore.open(found).list()
        guard listings.count == size else { throw BenchError("listed \(listings.count) of \(size) bindings") }
    }

    private static func addLines(_ times: [[Double]], state: String, size: Int, into report: inout RowReport)
    {
        let sizeText = Format.grouped(Int64(size))
        let target: Target? = size >= 100_000 ? .atMost(2.0) : nil
        func milliseconds(_ which: Int) -> Summary { Summary(times[which].map { $0 / 1e6 }) }
        let label = "agentws open+list \(sizeText), \(state)"
        report.lines += [
            ResultLine(
                label: label, value: milliseconds(0), unit: .milliseconds,
                ratio: Ratio(
                    baseline: "SQLite rows", value: Summary.ratios(times[0], times[3]), target: target)),
            ResultLine(
                label: label, value: milliseconds(0), unit: .milliseconds,
                ratio: Ratio(
                    baseline: "SQLite → Binding", value: Summary.ratios(times[0], times[4]), target: target)),
            ResultLine(
                label: label, value: milliseconds(0), unit: .milliseconds,
                ratio: Ratio(
                    baseline: "floor: readdir+stat", value: Summary.ratios(times[0], times[2]), target: nil)),
            ResultLine(
                label: "agentws open+list, no index, \(sizeText), \(state)", value: milliseconds(1),
                unit: .milliseconds,
                ratio: Ratio(
                    baseline: "SQLite → Binding", value: Summary.ratios(times[1], times[4]), target: nil)),
            ResultLine(
                label: "floor: readdir+stat \(sizeText), \(state)", value: milliseconds(2),
                unit: .milliseconds),
            ResultLine(
                label: "SQLite rows \(sizeText), \(state)", value: milliseconds(3), unit: .milliseconds),
            ResultLine(
                label: "SQLite → Binding \(sizeText), \(state)", value: milliseconds(4), unit: .milliseconds),
        ]
    }

    /// Both sides must produce the same bindings, or the comparison means nothing.
    private static func checkSameResults(
        workspace: Workspace, database: String, expected: [Binding], into report: inout RowReport
    ) throws {
        let listed = try BindingStore.open(workspace).list().compactMap { listing -> Binding? in
            if case .binding(let binding) = listing { return binding }
            return nil
        }
        let selected = try RuntimeListing.bindings(path: database)
        guard listed == expected, selected == expected else {
            throw BenchError("the files and SQLite do not list the same \(expected.count) bindings")
        }
        report.checks.append(
            "at \(Format.grouped(Int64(expected.count))): files and SQLite list the same bindings")
    }
}
