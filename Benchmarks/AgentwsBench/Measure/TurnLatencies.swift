/// Turn latencies of agentws and of a bare client, measured turn by turn and interleaved (rows 10
/// and 12): turn `i` of each side runs back to back, the side that goes first alternating.
struct TurnLatencies {
    /// Per round, in milliseconds.
    var agentwsP50: [Double] = []
    var agentwsP99: [Double] = []
    var bareP50: [Double] = []
    var bareP99: [Double] = []
    /// Turn by turn: each agentws turn ÷ the bare turn run right beside it, over all rounds.
    var pairRatios: [Double] = []

    static func measure(
        rounds: Int, turns: Int, agentws: (Int) throws -> Void, bare: (Int) async throws -> Void
    ) async throws -> TurnLatencies {
        var result = TurnLatencies()
        for round in 0..<rounds {
            var through: [UInt64] = []
            var direct: [UInt64] = []
            for turn in 0..<turns {
                let agentwsFirst = (round + turn) % 2 == 0
                for side in agentwsFirst ? [true, false] : [false, true] {
                    let start = MonotonicTime.now()
                    if side {
                        try agentws(turn)
                        through.append(MonotonicTime.now() - start)
                    } else {
                        try await bare(turn)
                        direct.append(MonotonicTime.now() - start)
                    }
                }
            }
            result.pairRatios += zip(through, direct).map { Double($0) / Double($1) }
            result.agentwsP50.append(quantile(through, 0.5))
            result.agentwsP99.append(quantile(through, 0.99))
            result.bareP50.append(quantile(direct, 0.5))
            result.bareP99.append(quantile(direct, 0.99))
        }
        return result
    }

    /// The `fraction` quantile (nearest rank) of `samples` nanoseconds, in milliseconds.
    private static func quantile(_ samples: [UInt64], _ fraction: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return Double(sorted[min(max(rank, 1), sorted.count) - 1]) / 1e6
    }

    /// The 95 % intervals of the median ratio: of the rounds' p50 ratios, and turn by turn.
    var intervalNotes: [String] {
        var notes: [String] = []
        let rounds = Summary.ratios(agentwsP50, bareP50)
        if let interval = rounds.medianInterval95 {
            notes.append(
                "the median of the \(rounds.samples.count) rounds' p50 ratios lies in "
                    + "\(Format.fixed(interval.lower, digits: 3))–\(Format.fixed(interval.upper, digits: 3))× with 95 % "
                    + "confidence (order statistics, no assumption on the distribution)")
        }
        let pairs = Summary(pairRatios)
        if let interval = pairs.medianInterval95 {
            notes.append(
                "turn by turn (each agentws turn ÷ the bare turn run beside it, \(pairRatios.count) pairs): median "
                    + "\(Format.fixed(pairs.median, digits: 3))×, 95 % interval "
                    + "\(Format.fixed(interval.lower, digits: 3))–\(Format.fixed(interval.upper, digits: 3))×"
            )
        }
        return notes
    }

    /// The four result lines, the p50 ratio checked against `target`.
    func lines(bare: String, target: Target?) -> [ResultLine] {
        [
            ResultLine(
                label: "agentws serve turn p50", value: Summary(agentwsP50), unit: .milliseconds,
                ratio: Ratio(
                    baseline: "\(bare) p50", value: Summary.ratios(agentwsP50, bareP50), target: target)),
            ResultLine(
                label: "agentws serve turn p99", value: Summary(agentwsP99), unit: .milliseconds,
                ratio: Ratio(baseline: "\(bare) p99", value: Summary.ratios(agentwsP99, bareP99), target: nil)
            ),
            ResultLine(label: "\(bare) turn p50", value: Summary(bareP50), unit: .milliseconds),
            ResultLine(label: "\(bare) turn p99", value: Summary(bareP99), unit: .milliseconds),
        ]
    }
}
