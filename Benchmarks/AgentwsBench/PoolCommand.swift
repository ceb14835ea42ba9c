import ArgumentParser

/// `agentws-bench pool FILE…`: the figures of several runs taken together (`PooledRuns`).
///
/// One run of a row whose figure sits near its target says "yes" or "NO" by the machine's mood of
/// the moment; `scripts/bench-repeat` runs the rows several times and pools them here, so that a
/// claim about the target rests on every run and says how sure it is.
struct PoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract:
            "Take the ratios and targeted figures of several result files together (see scripts/bench-repeat)."
    )

    @Argument(help: "benchmark-results.json files of separate runs (agentws-bench --json).")
    var files: [String]

    @Option(help: "Only the figures whose label contains this text.")
    var figure: String?

    func run() throws {
        guard files.count >= 2 else { throw BenchError("pool needs the result files of two runs or more") }
        let results = try files.map { path throws(BenchError) in try ResultsFile(path: path) }
        if let quick = results.first(where: \.quick) {
            throw BenchError("\(quick.path) is from a --quick run, which is not for figures")
        }
        print(Self.render(results, figure: figure), terminator: "")
    }

    /// The pooled table: one line per figure (row and label), in the order of the first file that
    /// has it.
    static func render(_ results: [ResultsFile], figure: String? = nil) -> String {
        var order: [String] = []
        var runsOf: [String: [ResultsFile.Figure]] = [:]
        for result in results {
            for line in result.figures where figure.map({ line.label.contains($0) }) ?? true {
                let key = "\(line.row)\u{0}\(line.label)"
                if runsOf[key] == nil { order.append(key) }
                runsOf[key, default: []].append(line)
            }
        }
        var cells: [[String]] = [
            [
                "#", "figure", "vs", "runs", "pooled median", "95 % interval", "run medians (min–max)",
                "runs met", "target", "met",
            ]
        ]
        for key in order {
            guard let runs = runsOf[key], let first = runs.first else { continue }
            let pooled = PooledRuns(runs.map(\.samples))
            let medians = pooled.runMedians
            let interval = pooled.interval95()
            let value = { (number: Double) in
                first.baseline == nil
                    ? Format.number(number) + " " + first.unit : Format.fixed(number, digits: 3) + "×"
            }
            var cell = [
                "\(first.row)", first.label, first.baseline ?? "", "\(runs.count)", value(pooled.all.median),
                interval.map { value($0.lower) + " – " + value($0.upper) }
                    ?? "n/a (< \(PooledRuns.fewestRuns) runs)",
                Format.summary(Summary(medians), unit: first.unit),
            ]
            if let target = first.target {
                cell.append("\(medians.filter(target.isMet(by:)).count) of \(medians.count)")
                cell.append(target.text + (first.baseline == nil ? " " : "") + first.unit)
                cell.append(verdict(target, interval))
            } else {
                cell.append(contentsOf: ["", "report", ""])
            }
            cells.append(cell)
        }
        return Table.grid(cells)
            + "\nThe pooled median is of every round of every run; its 95 % interval resamples whole runs, so "
            + "it includes how far the machine moved the figure from one run to the next. met: \"yes\" when "
            + "the whole interval meets the target, \"NO\" when none of it does, else \"not sure\".\n"
    }

    private static func verdict(_ target: Target, _ interval: (lower: Double, upper: Double)?) -> String {
        guard let interval else { return "not sure" }
        let lower = target.isMet(by: interval.lower)
        let upper = target.isMet(by: interval.upper)
        if lower && upper { return Table.verdict(true) }
        if !lower && !upper { return Table.verdict(false) }
        return "not sure"
    }
}
