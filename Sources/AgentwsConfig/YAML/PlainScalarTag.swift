import Yams

/// The tag of a plain (unquoted, untagged) YAML scalar, decided exactly as Yams' `Resolver.default`
/// decides it (the YAML 1.1 types: bool, int, float, merge, null, timestamp, value, in that order;
/// anything else is a string), without its regular expressions.
///
/// Why: `Resolver.default` compiles its seven patterns through ICU the first time it is used, about
/// 1.6 ms, and its first matches take 0.4 ms more: together a tenth of an `agentws send`, paid by every
/// command whose configuration holds anything but comments (docs/performance.md). Composing with
/// `Resolver.basic` and tagging plain scalars here costs a few microseconds. `PlainScalarTagTests`
/// checks this against `Resolver.default` itself.
enum PlainScalarTag {
    /// The tag Yams' default resolver gives the plain scalar `text`.
    static func of(_ whole: String) -> Tag.Name {
        // Yams anchors its patterns with `$`, which also matches before a line break that ends the
        // text; a plain scalar never ends with one, but `Node(text)` can.
        let text = withoutFinalLineBreak(whole)
        let bytes = Array(text.utf8)
        if isBool(text) { return .bool }
        if isInt(bytes[...]) { return .int }
        if isFloat(bytes[...]) { return .float }
        if text == "<<" { return .merge }
        if text == "~" || text == "null" || text == "Null" || text == "NULL" || text.isEmpty { return .null }
        if isTimestamp(bytes[...]) { return .timestamp }
        if text == "=" { return .value }
        return .str
    }

    /// `node` with every plain scalar given the tag `of` decides, for a node composed with
    /// `Resolver.basic` (which makes them all strings).
    static func resolving(_ node: Node) -> Node {
        switch node {
        case .scalar(var scalar):
            // An implicit tag (the empty name) is what a plain, untagged scalar has until resolved.
            guard scalar.tag.description.isEmpty else { return node }
            scalar.tag = Tag(of(scalar.string), .basic, .default)
            return .scalar(scalar)
        case .mapping(let mapping):
            let pairs = mapping.map { (resolving($0.key), resolving($0.value)) }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark, mapping.anchor))
        case .sequence(let sequence):
            return .sequence(
                Node.Sequence(
                    sequence.map(resolving), sequence.tag, sequence.style, sequence.mark, sequence.anchor))
        case .alias:
            return node
        }
    }

    private static let bools: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On",
        "ON", "off", "Off", "OFF",
    ]

    private static func isBool(_ text: String) -> Bool { bools.contains(text) }

    // MARK: int

    /// `[-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ |
    /// [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`
    private static func isInt(_ all: ArraySlice<UInt8>) -> Bool {
        let text = unsigned(all)
        guard let first = text.first else { return false }
        let rest = text.dropFirst()
        if first == zero {
            if rest.isEmpty { return true }
            if rest.first == UInt8(ascii: "b") { return isRun(rest.dropFirst(), of: isBinary) }
            if rest.first == UInt8(ascii: "x") { return isRun(rest.dropFirst(), of: isHex) }
            if rest.first == UInt8(ascii: "o") { return isRun(rest.dropFirst(), of: isOctal) }
            return isRun(rest, of: isOctal)
        }
        guard isNonZeroDigit(first) else { return false }
        let digits = rest.prefix(while: isDigitOrUnderscore)
        let after = rest.dropFirst(digits.count)
        return after.isEmpty || isSexagesimalTail(after)
    }

    // MARK: float

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)? |
    /// [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
    private static func isFloat(_ all: ArraySlice<UInt8>) -> Bool {
        let signed = all.first == plus || all.first == minus
        let text = unsigned(all)
        guard let first = text.first else { return false }
        if first == dot {
            let rest = text.dropFirst()
            if ["inf", "Inf", "INF"].contains(where: { rest.elementsEqual($0.utf8) }) { return true }
            if !signed, ["nan", "NaN", "NAN"].contains(where: { rest.elementsEqual($0.utf8) }) {
                return true
            }
            // `\.[0-9_]+([eE][-+][0-9]+)?`, unsigned.
            guard !signed else { return false }
            let digits = rest.prefix(while: isDigitOrUnderscore)
            guard !digits.isEmpty else { return false }
            let exponent = rest.dropFirst(digits.count)
            return exponent.isEmpty || isExponent(exponent, signRequired: true)
        }
        guard isDigit(first) else { return false }
        let digits = text.dropFirst().prefix(while: isDigitOrUnderscore)
        var rest = text.dropFirst(1 + digits.count)
        if rest.first == colon {
            // Sexagesimal: `(:[0-5]?[0-9])+\.[0-9_]*`
            guard let point = rest.firstIndex(of: dot), isSexagesimalTail(rest[..<point]) else {
                return false
            }
            return isRun(rest[(point + 1)...], of: isDigitOrUnderscore, allowEmpty: true)
        }
        if rest.first == dot {
            rest = rest.dropFirst().drop(while: isDigitOrUnderscore)
        }
        return rest.isEmpty || isExponent(rest, signRequired: false)
    }

    /// `[eE][-+]?[0-9]+` (the sign required when `signRequired`).
    private static func isExponent(_ text: ArraySlice<UInt8>, signRequired: Bool) -> Bool {
        guard let e = text.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") else { return false }
        var rest = text.dropFirst()
        if rest.first == plus || rest.first == minus {
            rest = rest.dropFirst()
        } else if signRequired {
            return false
        }
        return isRun(rest, of: isDigit)
    }

    // MARK: timestamp

    /// `YYYY-MM-DD`, or `YYYY-M?M-D?D` then `T`, `t` or blanks, `H?H:MM:SS(\.[0-9]*)?`, then
    /// optional blanks and `Z` or `[-+]H?H(:MM)?`.
    private static func isTimestamp(_ text: ArraySlice<UInt8>) -> Bool {
        var rest = text
        func take(_ count: ClosedRange<Int>) -> Bool {
            let digits = rest.prefix(while: isDigit).prefix(count.upperBound)
            guard count.contains(digits.count) else { return false }
            rest = rest.dropFirst(digits.count)
            return true
        }
        func skip(_ byte: UInt8) -> Bool {
            guard rest.first == byte else { return false }
            rest = rest.dropFirst()
            return true
        }
        guard take(4...4), skip(minus) else { return false }
        let date = rest
        // The date alone takes exactly two digits each.
        if take(2...2), skip(minus), take(2...2), rest.isEmpty { return true }
        rest = date
        guard take(1...2), skip(minus), take(1...2) else { return false }
        if rest.first == UInt8(ascii: "T") || rest.first == UInt8(ascii: "t") {
            rest = rest.dropFirst()
        } else {
            let blanks = rest.prefix(while: isBlank)
            guard !blanks.isEmpty else { return false }
            rest = rest.dropFirst(blanks.count)
        }
        guard take(1...2), skip(colon), take(2...2), skip(colon), take(2...2) else { return false }
        if skip(dot) { rest = rest.drop(while: isDigit) }
        if rest.isEmpty { return true }
        // Blanks only before a zone.
        rest = rest.drop(while: isBlank)
        if rest.elementsEqual("Z".utf8) { return true }
        guard skip(plus) || skip(minus), take(1...2) else { return false }
        if rest.isEmpty { return true }
        return skip(colon) && take(2...2) && rest.isEmpty
    }

    // MARK: pieces

    /// `text` without one line break at its end (`\r\n`, `\n`, `\r`, NEL, LS or PS).
    private static func withoutFinalLineBreak(_ text: String) -> String {
        guard let last = text.unicodeScalars.last,
            ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(last)
        else { return text }
        var scalars = text.unicodeScalars.dropLast()
        if last == "\n", scalars.last == "\r" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    private static let zero = UInt8(ascii: "0")
    private static let plus = UInt8(ascii: "+")
    private static let minus = UInt8(ascii: "-")
    private static let dot = UInt8(ascii: ".")
    private static let colon = UInt8(ascii: ":")

    /// `text` without one leading sign.
    private static func unsigned(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        text.first == plus || text.first == minus ? text.dropFirst() : text
    }

    /// `(:[0-5]?[0-9])+`
    private static func isSexagesimalTail(_ text: ArraySlice<UInt8>) -> Bool {
        var rest = text
        guard !rest.isEmpty else { return false }
        while !rest.isEmpty {
            guard rest.first == colon else { return false }
            rest = rest.dropFirst()
            let digits = rest.prefix(while: isDigit).prefix(2)
            if digits.count == 2 {
                guard let tens = digits.first, tens <= UInt8(ascii: "5") else {
                    // `[0-5]?[0-9]` then needs the second digit to start the next part: it cannot.
                    return false
                }
            } else if digits.isEmpty {
                return false
            }
            rest = rest.dropFirst(digits.count)
        }
        return true
    }

    /// Whether `text` is one or more bytes (none when `allowEmpty`) all in `set`.
    private static func isRun(
        _ text: ArraySlice<UInt8>, of set: (UInt8) -> Bool, allowEmpty: Bool = false
    ) -> Bool {
        (allowEmpty || !text.isEmpty) && text.allSatisfy(set)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= UInt8(ascii: "9") }
    private static func isNonZeroDigit(_ byte: UInt8) -> Bool { byte > zero && byte <= UInt8(ascii: "9") }
    private static func isDigitOrUnderscore(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "_")
    }
    private static func isBinary(_ byte: UInt8) -> Bool {
        byte == zero || byte == UInt8(ascii: "1") || byte == UInt8(ascii: "_")
    }
    private static func isOctal(_ byte: UInt8) -> Bool {
        (byte >= zero && byte <= UInt8(ascii: "7")) || byte == UInt8(ascii: "_")
    }
    private static func isHex(_ byte: UInt8) -> Bool {
        isDigitOrUnderscore(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
