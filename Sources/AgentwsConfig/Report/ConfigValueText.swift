import AgentwsJSON
import Yams

/// Values spelled the way they could be written back into a YAML file.
enum ConfigValueText {
    /// The text as a plain scalar when YAML would read it back as the same string, else double-quoted.
    static func scalar(_ text: String) -> String {
        let plainSafe = text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "._/-*+@".unicodeScalars.contains(scalar))
        }
        let startsSafely = text.first.map { !"-*@".contains($0) } ?? false
        if plainSafe, startsSafely, PlainScalarTag.of(text) == .str {
            return text
        }
        return JSONWriter.compactString(.string(text))
    }

    /// A flow list: `[a, b]`.
    static func list(_ items: [String]) -> String {
        "[" + items.map(scalar).joined(separator: ", ") + "]"
    }

    /// A value as written (`ConfigWrittenValue`): a string as a scalar, a list of strings as a flow
    /// list, anything else (provider options) as compact JSON, like the effective values.
    static func written(_ value: JSONValue) -> String {
        switch value {
        case .string(let text):
            return scalar(text)
        case .array(let elements):
            let texts = elements.compactMap(\.stringValue)
            return texts.count == elements.count ? list(texts) : JSONWriter.compactString(value)
        default:
            return JSONWriter.compactString(value)
        }
    }
}
