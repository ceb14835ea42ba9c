import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Testing

/// `agentws-bench pool`, run as the built program over result files written here in the form
/// `agentws-bench --json` writes: what the pooled table says, and what it refuses.
@Suite("agentws-bench pool")
struct PoolCommandTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory(prefix: "agentws-bench-pool") }

    /// One run's results: row 13 with a targeted ratio (the one-shot send), a ratio without a
    /// target, and a figure with a target of its own (µs).
    func results(ratios: [Double], report: [Double] = [2.0, 2.1], warm: Double = 150, quick: Bool = false)
        -> JSONValue
    {
        func summary(_ samples: [Double]) -> JSONValue {
            [
                "median": .double(samples.sorted()[samples.count / 2]),
                "samples": .array(samples.map { .double($0) }),
            ]
        }
        let lines: [JSONValue] = [
            [
                "label": "one-shot send", "unit": "ms", "value": summary([20, 21]),
                "ratio": [
                    "baseline": "in process", "value": summary(ratios),
                    "target": ["limit": 1.15, "direction": "at most", "met": true],
                ],
            ],
            [
                "label": "warm turn", "unit": "ms", "value": summary([1, 2]),
                "ratio": ["baseline": "in process", "value": summary(report)],
            ],
            [
                "label": "warm difference", "unit": "µs", "value": summary([warm]),
                "target": ["limit": 200, "direction": "at most", "met": true],
            ],
            ["label": "no target, no ratio", "unit": "ms", "value": summary([5, 6])],
        ]
        return ["quick": .bool(quick), "rows": [["row": 13, "title": "isolation", "lines": .array(lines)]]]
    }

    /// Writes `runs` result files and returns their paths.
    func write(_ runs: [JSONValue], name: String = "run") throws -> [String] {
        try runs.enumerated().map { index, run in
            let path = directory.path + "/\(name)-\(index + 1).json"
            try Data(JSONWriter.canonical(run)).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    func pool(_ arguments: [String]) throws -> ProcessOutcome {
        try ChildProcess.run(try BuildProducts.executable("agentws-bench"), ["pool"] + arguments)
    }

    /// The table's line for `label`, split into its columns (two spaces or more apart).
    func line(_ label: String, in output: String) throws -> [String] {
        let text = try #require(output.split(separator: "\n").first { $0.hasPrefix("13  \(label) ") })
        return text.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    @Test func twelveRunsUnderTheTargetMeetIt() throws {
        // Run k's rounds: 1.08…1.12 shifted by k/1000, so the pooled median is known.
        let runs = (0..<12).map { run in
            results(
                ratios: [1.08, 1.09, 1.10, 1.11, 1.12].map { $0 + Double(run) / 1000 },
                warm: 140 + Double(run))
        }
        let outcome = try pool(try write(runs))
        #expect(outcome.status == 0, "\(outcome)")
        let send = try line("one-shot send", in: outcome.stdout)
        #expect(send[2] == "in process" && send[3] == "12", "\(send)")
        #expect(send[4] == "1.106×", "pooled median of 60 rounds: \(send)")
        #expect(send.contains("12 of 12") && send.contains("≤ 1.15×") && send.last == "yes", "\(send)")
        let report = try line("warm turn", in: outcome.stdout)
        #expect(report.last == "report", "\(report)")
        let warm = try line("warm difference", in: outcome.stdout)
        #expect(warm.contains("≤ 200 µs") && warm.last == "yes", "\(warm)")
        #expect(!outcome.stdout.contains("no target, no ratio"))
    }

    @Test func runsOverTheTargetAreNOAndRunsAcrossItAreNotSure() throws {
        let over = (0..<10).map { _ in results(ratios: [1.28, 1.30, 1.32]) }
        let overTable = try pool(try write(over, name: "over"))
        #expect(try line("one-shot send", in: overTable.stdout).last == "NO", "\(overTable)")
        // Half the runs well under, half well over: the interval straddles the target.
        let across = (0..<10).map { run in results(ratios: run % 2 == 0 ? [1.05, 1.06] : [1.25, 1.26]) }
        let acrossTable = try pool(try write(across, name: "across"))
        let send = try line("one-shot send", in: acrossTable.stdout)
        #expect(send.last == "not sure" && send.contains("5 of 10"), "\(send)")
    }

    @Test func fewerThanTenRunsGiveNoInterval() throws {
        let outcome = try pool(try write((0..<3).map { _ in results(ratios: [1.0, 1.01]) }))
        #expect(outcome.status == 0, "\(outcome)")
        let send = try line("one-shot send", in: outcome.stdout)
        #expect(send.contains("n/a (< 10 runs)") && send.last == "not sure", "\(send)")
    }

    @Test func theSameFilesGiveTheSameTable() throws {
        let files = try write(
            (0..<10).map { run in results(ratios: [1.0, 1.1, 1.2].map { $0 + Double(run) / 100 }) })
        let first = try pool(files)
        let second = try pool(files)
        #expect(first.status == 0 && first.stdout == second.stdout, "\(first)\n\(second)")
    }

    @Test func onlyTheNamedFigures() throws {
        let outcome = try pool(
            ["--figure", "warm"] + (try write((0..<2).map { _ in results(ratios: [1.0]) })))
        #expect(outcome.status == 0, "\(outcome)")
        #expect(!outcome.stdout.contains("one-shot send") && outcome.stdout.contains("warm difference"))
    }

    @Test func whatIsNotAResultsFileIsRefusedByName() throws {
        let good = try write([results(ratios: [1.0]), results(ratios: [1.0])])
        let notJSON = directory.path + "/notes.txt"
        try Data("load average at start: 0.4\n".utf8).write(to: URL(fileURLWithPath: notJSON))
        let quick = try write([results(ratios: [1.0], quick: true)], name: "quick")[0]
        let noRows = try write([["machine": "x"]], name: "norows")[0]
        for (files, expected) in [
            ([good[0], notJSON], "\(notJSON): not JSON"),
            ([good[0], quick], "\(quick) is from a --quick run"),
            ([good[0], noRows], "\(noRows): no \"rows\""),
            ([good[0]], "needs the result files of two runs or more"),
            ([good[0], directory.path + "/missing.json"], "\(directory.path)/missing.json: cannot read"),
        ] {
            let outcome = try pool(files)
            #expect(outcome.status != 0 && outcome.stderr.contains(expected), "\(expected)\n\(outcome)")
            #expect(outcome.stdout.isEmpty, "\(outcome)")
        }
    }
}
