/// One figure (a ratio, or a figure with a target) from several runs of the benchmark, taken together.
///
/// A single run's interval (`Summary.medianInterval95`) treats its rounds as independent, but on a
/// shared machine they are not: the whole row reads higher or lower for tens of seconds at a time,
/// so the medians of separate runs scatter more than each run's interval says. Pooling resamples
/// whole runs (a cluster bootstrap), so the interval it gives includes that run-to-run drift.
struct PooledRuns: Sendable {
    /// Each run's per-round values, in run order.
    let runs: [[Double]]

    init(_ runs: [[Double]]) { self.runs = runs.filter { !$0.isEmpty } }

    /// Every round of every run.
    var all: Summary { Summary(runs.flatMap { $0 }) }

    /// Each run's median.
    var runMedians: [Double] { runs.map { Summary($0).median } }

    /// The fewest runs an interval is given for: with fewer, resampling whole runs has too few
    /// distinct pools to say how far the runs scatter.
    static let fewestRuns = 10

    /// A 95 % interval of the pooled median: the median of `resamples` pools, each made of as many
    /// runs as there are, drawn with replacement; nil with fewer than `fewestRuns` runs. The draws
    /// come from a fixed seed, so the same files in the same order always give the same interval.
    func interval95(resamples: Int = 2000) -> (lower: Double, upper: Double)? {
        guard runs.count >= Self.fewestRuns, resamples >= 40 else { return nil }
        var generator = SplitMix(seed: 0x5EED)
        var medians: [Double] = []
        medians.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var pool: [Double] = []
            for _ in runs.indices {
                pool += runs[Int.random(in: runs.indices, using: &generator)]
            }
            medians.append(Summary(pool).median)
        }
        medians.sort()
        let cut = resamples / 40  // 2.5 % from either end
        return (medians[cut], medians[resamples - 1 - cut])
    }
}
