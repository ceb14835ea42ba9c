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
}
