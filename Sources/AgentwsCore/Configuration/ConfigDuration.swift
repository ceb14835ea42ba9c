/// A configuration duration such as `45s`, `5m`, `2h`, `1h30m` or `200ms`.
public struct ConfigDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func seconds(_ value: Int64) -> ConfigDuration {
        ConfigDuration(milliseconds: value * 1000)
    }
    public static func minutes(_ value: Int64) -> ConfigDuration { .seconds(value * 60) }
    public static func hours(_ value: Int64) -> ConfigDuration { .minutes(value * 60) }

    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// The value as a Swift `Duration`.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// Parses one or more `<digits><unit>` groups, units `h`, `m`, `s`, `ms`, in decreasing order, each
    /// at most once (`1h30m`, `90s`, `1m30s500ms`). Throws with a reason on anything else.
    public init(parsing text: String) throws(InvalidDuration) {
        let units: [(String, Int64)] = [("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)]
        var remaining = Substring(text)
        var total: Int64 = 0
        var lastUnitIndex = -1
        if remaining.isEmpty { throw InvalidDuration(text: text, reason: "it is empty") }
        while !remaining.isEmpty {
            let digits = remaining.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else {
                throw InvalidDuration(text: text, reason: "expected a number at \"\(remaining)\"")
            }
            remaining = remaining.dropFirst(digits.count)
            let unitText = remaining.prefix { $0.isASCII && $0.isLetter }
            remaining = remaining.dropFirst(unitText.count)
            guard let unitIndex = units.firstIndex(where: { $0.0 == unitText }) else {
                let reason = unitText.isEmpty ? "\(digits) has no unit" : "unknown unit \"\(unitText)\""
                throw InvalidDuration(text: text, reason: reason)
            }
            guard unitIndex > lastUnitIndex else {
                throw InvalidDuration(text: text, reason: "units must go from largest to smallest, each once")
            }
            lastUnitIndex = unitIndex
            guard let value = Int64(digits) else {
                throw InvalidDuration(text: text, reason: "number too large")
            }
            let (product, overflow1) = value.multipliedReportingOverflow(by: units[unitIndex].1)
            let (sum, overflow2) = total.addingReportingOverflow(product)
            if overflow1 || overflow2 { throw InvalidDuration(text: text, reason: "duration too large") }
            total = sum
        }
        self.milliseconds = total
    }

    /// The shortest spelling that parses back to the same value (`1h30m`, `200ms`, `0s`).
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var text = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)]
        where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}

/// A duration that did not parse.
public struct InvalidDuration: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String {
        "invalid duration \"\(text)\": \(reason) (examples: 45s, 5m, 2h, 1h30m, 200ms)"
    }
}
