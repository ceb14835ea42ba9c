import AgentwsJSON

/// A target from the benchmark issue, checked against a median.
struct Target: Sendable {
    /// Whether the figure must stay at or below the limit (times, time ratios) or reach it (rates).
    enum Direction: Sendable { case atMost, atLeast }

    let limit: Double
    let direction: Direction

    static func atMost(_ limit: Double) -> Target { Target(limit: limit, direction: .atMost) }
    static func atLeast(_ limit: Double) -> Target { Target(limit: limit, direction: .atLeast) }

    func isMet(by value: Double) -> Bool {
        switch direction {
        case .atMost: return value <= limit
        case .atLeast: return value >= limit
        }
    }

    var text: String {
        (direction == .atMost ? "≤ " : "≥ ") + Format.number(limit)
    }
}

/// How a figure is shown: its unit decides the scale.
enum Unit: String, Sendable {
    case nanoseconds = "ns"
    case microseconds = "µs"
    case milliseconds = "ms"
    case perSecond = "/s"
    case kibibytes = "KiB"
    case mebibytes = "MiB"
    case megabytesPerSecond = "MB/s"

    /// `nanoseconds` in this unit (a rate or a size is taken as already in its unit).
    func scale(nanoseconds: Double) -> Double {
        switch self {
        case .nanoseconds: return nanoseconds
        case .microseconds: return nanoseconds / 1_000
        case .milliseconds: return nanoseconds / 1_000_000
        case .perSecond, .kibibytes, .mebibytes, .megabytesPerSecond: return nanoseconds
        }
    }
}

/// A figure measured against a baseline in the same rounds: `value ÷ baseline` per round.
struct Ratio: Sendable {
    let baseline: String
    let value: Summary
    let target: Target?
}

/// One line of the results table.
struct ResultLine: Sendable {
    let label: String
    let value: Summary
    let unit: Unit
    var target: Target? = nil
    var ratio: Ratio? = nil
}

/// Everything one row of the benchmark issue's table produced.
struct RowReport: Sendable {
    let number: Int
    let title: String
    var lines: [ResultLine] = []
    /// Things verified along the way (no disk write, same results on both sides, …).
    var checks: [String] = []
    var notes: [String] = []
    /// Set when the row cannot be measured yet; says why.
    var pending: String? = nil

    init(number: Int, title: String) {
        self.number = number
        self.title = title
    }

    /// Whether every target of the row was met; nil when the row has none or is pending.
    var targetsMet: Bool? {
        var verdicts: [Bool] = []
        for line in lines {
            if let target = line.target { verdicts.append(target.isMet(by: line.value.median)) }
            if let ratio = line.ratio, let target = ratio.target {
                verdicts.append(target.isMet(by: ratio.value.median))
            }
        }
        return verdicts.isEmpty || pending != nil ? nil : verdicts.allSatisfy { $0 }
    }
}

extension RowReport {
    var json: JSONValue {
        .object([
            "row": .integer(Int64(number)),
            "title": .string(title),
            "pending": pending.map { .string($0) } ?? .null,
            "targetsMet": targetsMet.map { .bool($0) } ?? .null,
            "checks": .array(checks.map { .string($0) }),
            "notes": .array(notes.map { .string($0) }),
            "lines": .array(lines.map(\.json)),
        ])
    }
}

extension ResultLine {
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "label": .string(label), "unit": .string(unit.rawValue), "value": value.json,
        ]
        if let target { members["target"] = target.json(met: target.isMet(by: value.median)) }
        if let ratio {
            var ratioMembers: [String: JSONValue] = [
                "baseline": .string(ratio.baseline), "value": ratio.value.json,
            ]
            if let target = ratio.target {
                ratioMembers["target"] = target.json(met: target.isMet(by: ratio.value.median))
            }
            members["ratio"] = .object(ratioMembers)
        }
        return .object(members)
    }
}

extension Summary {
    var json: JSONValue {
        .object([
            "median": .double(Format.rounded(median)), "min": .double(Format.rounded(minimum)),
            "max": .double(Format.rounded(maximum)),
            "samples": .array(samples.map { .double(Format.rounded($0)) }),
        ])
    }
}

extension Target {
    func json(met: Bool) -> JSONValue {
        .object([
            "limit": .double(limit), "direction": .string(direction == .atMost ? "at most" : "at least"),
            "met": .bool(met),
        ])
    }
}
