/// A configuration size such as `64MiB`, `512KiB`, `1GiB` or `4096` (bytes).
public struct ConfigByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let bytes: Int64

    public init(bytes: Int64) { self.bytes = bytes }

    public static func mebibytes(_ value: Int64) -> ConfigByteSize { ConfigByteSize(bytes: value << 20) }

    public static func < (lhs: ConfigByteSize, rhs: ConfigByteSize) -> Bool { lhs.bytes < rhs.bytes }

    /// Units by size, largest first; binary multiples, with `KB`/`MB`/`GB` accepted as decimal ones.
    private static let units: [(String, Int64)] = [
        ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1_000_000_000), ("MB", 1_000_000),
        ("KB", 1000), ("B", 1),
    ]

    /// Parses `<digits>[unit]`, units `B`, `KiB`, `MiB`, `GiB` (and decimal `KB`, `MB`, `GB`); a bare
    /// number is bytes. Throws with a reason on anything else.
    public init(parsing text: String) throws(InvalidByteSize) {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { throw InvalidByteSize(text: text, reason: "expected a number first") }
        let unitText = String(text.dropFirst(digits.count))
        let multiplier: Int64
        if unitText.isEmpty {
            multiplier = 1
        } else if let unit = Self.units.first(where: { $0.0 == unitText }) {
            multiplier = unit.1
        } else {
            throw InvalidByteSize(text: text, reason: "unknown unit \"\(unitText)\"")
        }
        guard let value = Int64(digits) else { throw InvalidByteSize(text: text, reason: "number too large") }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        if overflow { throw InvalidByteSize(text: text, reason: "size too large") }
        bytes = product
    }

    /// The shortest binary spelling that parses back to the same value (`64MiB`, `1536KiB`, `100B`).
    public var description: String {
        for (unit, size) in Self.units where unit.hasSuffix("iB") && bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)B"
    }
}

/// A size that did not parse.
public struct InvalidByteSize: Error, Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String {
        "invalid size \"\(text)\": \(reason) (examples: 64MiB, 512KiB, 1GiB, 4096)"
    }
}
