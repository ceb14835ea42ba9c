import Yams

/// A YAML syntax problem with its 1-based position.
struct YAMLSyntaxProblem: Error, Sendable, Equatable {
    let line: Int
    let column: Int
    let message: String
}

/// Composing YAML text into nodes that keep their positions.
enum YAMLDocument {
    /// The single document in `text`, or nil for a stream with no document (empty, or only comments).
    static func compose(_ text: String) throws(YAMLSyntaxProblem) -> Node? {
        // The file `agentws init` writes is all comments. Yams would compose it to nil too, but only
        // after building its tag resolver, which compiles a dozen regular expressions through ICU:
        // about 1 ms, a tenth of a whole `agentws send` (docs/performance.md, row 7).
        if holdsOnlyComments(text) { return nil }
        do {
            // The encoding is given so Yams does not consult (and print about) YAMS_DEFAULT_ENCODING.
            // Composed without Yams' tag resolver (PlainScalarTag says why), then tagged as it would.
            do {
                return try Yams.compose(yaml: text, .basic, .default, .utf8).map(PlainScalarTag.resolving)
            } catch YamlError.duplicatedKeysInMapping {
                // Keys that only the YAML types tell apart (`1` and `"1"`) are alike without the
                // resolver: compose as before, so that what is reported stays the same.
                return try Yams.compose(yaml: text, .default, .default, .utf8)
            }
        } catch let error as YamlError {
            throw problem(for: error)
        } catch {
            throw YAMLSyntaxProblem(line: 1, column: 1, message: "cannot parse the YAML: \(error)")
        }
    }

    /// Whether `text` is nothing but lines that are empty, spaces, or spaces and a comment, in plain
    /// ASCII with `\n` line ends: a stream with no document for certain. Anything else (tabs, `\r`,
    /// control or non-ASCII characters, which YAML treats in special ways) is left to Yams.
    static func holdsOnlyComments(_ text: String) -> Bool {
        var inComment = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n"): inComment = false
            case UInt8(ascii: " "): continue
            case UInt8(ascii: "#") where !inComment: inComment = true
            case UInt8(ascii: "\t") where inComment: continue
            case 0x21...0x7E where inComment: continue
            default: return false
            }
        }
        return true
    }

    static func problem(for error: YamlError) -> YAMLSyntaxProblem {
        switch error {
        case .scanner(let context, let problem, let mark, let yaml),
            .parser(let context, let problem, let mark, let yaml),
            .composer(let context, let problem, let mark, let yaml):
            if problem == "but found another document" {
                return YAMLSyntaxProblem(
                    line: mark.line,
                    column: mark.column,
                    message: "a configuration file holds a single YAML document; a second one starts here"
                )
            }
            var message = "YAML syntax error: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            if character(atLine: mark.line, column: mark.column, in: yaml) == "\t" {
                message += "; YAML does not allow tabs for indentation, use spaces"
            }
            return YAMLSyntaxProblem(line: mark.line, column: mark.column, message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return YAMLSyntaxProblem(
                line: context.mark.line,
                column: context.mark.column,
                message: "duplicate key \(keys) in this mapping: each key may appear only once"
            )
        case .reader(let problem, let offset, _, let yaml):
            let (line, column) = position(ofCharacterOffset: offset ?? 0, in: yaml)
            return YAMLSyntaxProblem(line: line, column: column, message: "cannot read the YAML: \(problem)")
        default:
            return YAMLSyntaxProblem(line: 1, column: 1, message: "cannot parse the YAML: \(error)")
        }
    }

    /// The character at a 1-based line and column (in Unicode scalars), if there is one.
    static func character(atLine line: Int, column: Int, in text: String) -> Unicode.Scalar? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let scalars = Array(lines[line - 1].unicodeScalars)
        guard column >= 1, column <= scalars.count else { return nil }
        return scalars[column - 1]
    }

    /// The 1-based line and column (counted in Unicode scalars, as libyaml counts) of a character offset.
    static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return (line, column)
    }
}
