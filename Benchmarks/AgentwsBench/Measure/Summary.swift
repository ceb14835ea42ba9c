/// Repeated measurements of one figure: the median is what is reported, the extremes show the
/// spread a shared machine added.
struct Summary: Sendable {
    let samples: [Double]

    init(_ samples: [Double]) { self.samples = samples }

    var median: Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var minimum: Double { samples.min() ?? .nan }
    var maximum: Double { samples.max() ?? .nan }

    /// Element-wise `numerator / denominator` of two series measured in the same rounds.
    static func ratios(_ numerator: [Double], _ denominator: [Double]) -> Summary {
        Summary(zip(numerator, denominator).map { $0 / $1 })
    }

    /// A distribution-free 95 % confidence interval of the median (from the order statistics: the
    /// samples ranked k-th from either end, k the largest rank for which a Binomial(n, ½) count below
    /// k has probability ≤ 2.5 %); nil when there are too few samples (fewer than 6) for one.
    var medianInterval95: (lower: Double, upper: Double)? {
        let sorted = samples.sorted()
        let count = sorted.count
        guard count >= 6, count <= 1000 else { return nil }
        var probability = 1.0  // P(X = 0) = ½ⁿ
        for _ in 0..<count { probability /= 2 }
        var below = 0.0  // P(X < rank), for rank = 0, 1, …
        var rank = 0
        while below + probability <= 0.025 {
            below += probability
            rank += 1
            let factor = Double(count - rank + 1) / Double(rank)
            probability *= factor
        }
        // P(X < rank) ≤ 2.5 %: the rank-th smallest and largest bound the median (ranks from 1).
        guard rank >= 1 else { return nil }
        return (sorted[rank - 1], sorted[count - rank])
    }
}
