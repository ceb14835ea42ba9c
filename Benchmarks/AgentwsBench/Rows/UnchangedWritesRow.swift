import AgentwsCore
import AgentwsStorage
import AgentwsSystem

/// Row 2: writes whose bytes equal the file's: no disk write at all, at ≥ 100,000 per second.
enum UnchangedWritesRow {
    static func run(_ settings: Settings) async throws -> RowReport {
        let threads = settings.size(2_000, quick: 200)
        let operations = settings.size(200_000, quick: 20_000)
        let pieces = 10
        let perPiece = operations / pieces
        let root = settings.scratch + "/row2"
        var report = RowReport(number: 2, title: "binding writes with unchanged content, \(threads) threads")

        let workspace = Workspace(root: root)
        try Files.makeDirectories(workspace.bindingsDirectory)
        let bindings = try (0..<threads).map { try Fixture.binding($0, generation: 0) }
        let bytes = try bindings.map { try BindingCodec.encode($0) }
        let paths = bindings.map { workspace.bindingPath($0.threadID) }
        for (index, path) in paths.enumerated() { try Files.write(bytes[index], to: path) }
        let store = try BindingStore.open(workspace)
        let locks = try bindings.map { try store.lock($0.threadID) }
        defer { locks.forEach { $0.release() } }
        sync()
        let before = try paths.map(Files.identity)
        let directoryBefore = try Files.identity(workspace.bindingsDirectory)

        var rates: [Double] = []
        var agentwsTimes: [Double] = []
        var readTimes: [Double] = []
        var encodeTimes: [Double] = []
        for round in 0..<settings.rounds(5) {
            let totals = try await alternate(
                pieces: pieces, round: round,
                [
                    Contender(name: "agentws") { piece in
                        try MonotonicTime.measure {
                            for operation in (piece * perPiece)..<((piece + 1) * perPiece) {
                                let thread = operation % threads
                                guard try store.write(bindings[thread], holding: locks[thread]) == .unchanged
                                else {
                                    throw BenchError("an unchanged binding was written")
                                }
                            }
                        }
                    },
                    // Where the time beyond the floor goes: encoding the binding, measured alone.
                    Contender(name: "encode") { piece in
                        try MonotonicTime.measure {
                            for operation in (piece * perPiece)..<((piece + 1) * perPiece) {
                                let thread = operation % threads
                                guard try BindingCodec.encode(bindings[thread]).count == bytes[thread].count
                                else {
                                    throw BenchError("encoding changed")
                                }
                            }
                        }
                    },
                    Contender(name: "read") { piece in
                        try MonotonicTime.measure {
                            for operation in (piece * perPiece)..<((piece + 1) * perPiece) {
                                let thread = operation % threads
                                guard Files.read(paths[thread]) == bytes[thread] else {
                                    throw BenchError("\(paths[thread]) changed")
                                }
                            }
                        }
                    },
                ])
            rates.append(Double(operations) / (Double(totals[0]) / 1e9))
            agentwsTimes.append(Double(totals[0]))
            encodeTimes.append(Double(totals[1]))
            readTimes.append(Double(totals[2]))
        }

        let after = try paths.map(Files.identity)
        guard after == before, try Files.identity(workspace.bindingsDirectory) == directoryBefore else {
            throw BenchError("an unchanged write touched a binding file or the bindings directory")
        }
        let strays = try Files.list(workspace.bindingsDirectory).filter { $0.hasPrefix(".") }
        guard strays.isEmpty else { throw BenchError("temporary files appeared: \(strays.prefix(3))") }
        report.checks.append(
            "after \(operations * rates.count) writes: every file's inode, size, mtime and ctime and the "
                + "directory's are unchanged, and no temporary file exists (no disk write)")
        report.lines = [
            ResultLine(
                label: "agentws write, same bytes (lock held)", value: Summary(rates), unit: .perSecond,
                target: .atLeast(100_000)),
            ResultLine(
                label: "agentws write, same bytes (lock held)", value: Summary(rates), unit: .perSecond,
                ratio: Ratio(
                    baseline: "open+read+compare", value: Summary.ratios(agentwsTimes, readTimes),
                    target: .atMost(1.5))),
            ResultLine(
                label: "open+read+compare (the floor)",
                value: Summary(readTimes.map { Double(operations) / ($0 / 1e9) }),
                unit: .perSecond),
            ResultLine(
                label: "encode the binding alone",
                value: Summary(encodeTimes.map { Double(operations) / ($0 / 1e9) }),
                unit: .perSecond,
                ratio: Ratio(
                    baseline: "open+read+compare", value: Summary.ratios(encodeTimes, readTimes), target: nil)
            ),
        ]
        report.notes.append(
            "the 'open+read+compare' baseline reads the file and compares it with bytes encoded in advance; "
                + "the ratio is what encoding the binding and the store's checks add; 'encode the binding alone' "
                + "is BindingCodec.encode of the same bindings, timed beside them")
        return report
    }
}
