import Yams

extension Node {
    /// The node's tag after resolution: what YAML says the value is (`str`, `int`, `null`, …).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }

    /// What the node is, for "expected …, found …" messages: `a list`, `a mapping`, `a number (30)`,
    /// `a boolean (yes)`, `an empty value`, `the string "x"`.
    var kindDescription: String {
        switch self {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch tagName {
            case .null: return "an empty value"
            case .bool: return "a boolean (\(scalar.string))"
            case .int, .float: return "a number (\(scalar.string))"
            case .timestamp: return "a date (\(scalar.string))"
            default: return "the string \"\(scalar.string)\""
            }
        }
    }

    /// True for a scalar that YAML reads as null: an empty value, `~` or `null`.
    var isNullScalar: Bool {
        guard case .scalar = self else { return false }
        return tagName == .null
    }

    /// The text of a scalar that YAML reads as a string (plain or quoted), nil for anything else.
    var stringScalar: String? {
        guard case .scalar(let scalar) = self, tagName == .str else { return nil }
        return scalar.string
    }

    /// A hint for a scalar that YAML typed as something other than the string the key wants.
    var quoteHint: String {
        guard case .scalar = self, [.bool, .int, .float, .timestamp].contains(tagName) else { return "" }
        return "; quote it to use it as text"
    }
}
