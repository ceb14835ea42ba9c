import AgentwsJSON

/// `${NAME}` in a configuration value: the value of the environment variable `NAME`, so that a
/// committed file can name a credential without holding it (docs/configuration.md, "Environment
/// variables in values").
///
/// A reference may stand alone or inside longer text (`Bearer ${TOKEN}`). In front of `{`, `$$` stands
/// for one literal `$`: `$${` is the text `${`, and `$$${X}` is `$` followed by X's value. A `$` not
/// followed by `{` (nor by further `$` and then `{`) is itself, so `$HOME` and `$$` are plain text.
enum VariableReferences {
    /// A piece of a value: text taken as written, or the name of a variable.
    enum Part: Sendable, Equatable {
        case literal(String)
        case variable(String)
    }

    /// A value with its references replaced.
    struct Resolution: Sendable, Equatable {
        /// The effective text.
        var value: String
        /// The value as written, when it differs from the effective text (it refers to variables, or
        /// escapes a `${`); nil otherwise.
        var written: ConfigWrittenValue?
    }

    /// Splits `text` into literal text and references; the escapes are already undone in the literals.
    ///
    /// - Throws: a message (without the key) for a `${` that is not a well-formed `${NAME}`.
    static func parse(_ text: String) throws(InvalidSettingValue) -> [Part] {
        guard text.contains("${") else { return [.literal(text)] }
        let scalars = Array(text.unicodeScalars)
        var parts: [Part] = []
        var literal = String.UnicodeScalarView()
        func flush() {
            if !literal.isEmpty { parts.append(.literal(String(literal))) }
            literal = String.UnicodeScalarView()
        }
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "$" else {
                literal.append(scalars[index])
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, scalars[end] == "$" { end += 1 }
            guard end < scalars.count, scalars[end] == "{" else {
                literal.append(contentsOf: scalars[index..<end])
                index = end
                continue
            }
            let dollars = end - index
            literal.append(contentsOf: repeatElement("$" as Unicode.Scalar, count: dollars / 2))
            if dollars.isMultiple(of: 2) {
                literal.append("{")
                index = end + 1
                continue
            }
            let nameStart = end + 1
            guard let close = scalars[nameStart...].firstIndex(of: "}") else {
                throw InvalidSettingValue(
                    message: "a '${' is not closed by '}'; write ${NAME} to use an environment variable, "
                        + "or $${ for a literal '${'"
                )
            }
            let name = String(String.UnicodeScalarView(scalars[nameStart..<close]))
            if let problem = nameProblem(name) {
                throw InvalidSettingValue(message: problem)
            }
            flush()
            parts.append(.variable(name))
            index = close + 1
        }
        flush()
        return parts
    }

    /// `text` with every reference replaced by its variable's value from `environment`.
    ///
    /// - Throws: a message naming `key` for a malformed reference, or a variable that is unset or
    ///   empty (an empty variable counts as unset, as for the `AGENTWS_*` variables).
    static func resolve(
        _ text: String, key: String, environment: [String: String]
    ) throws(InvalidSettingValue) -> Resolution {
        let parts: [Part]
        do {
            parts = try parse(text)
        } catch {
            throw InvalidSettingValue(message: "\(key): \(error.message)")
        }
        if parts == [.literal(text)] {
            return Resolution(value: text, written: nil)
        }
        var value = ""
        var variables: [String] = []
        for part in parts {
            switch part {
            case .literal(let literal):
                value += literal
            case .variable(let name):
                guard let variable = environment[name], !variable.isEmpty else {
                    let state = environment[name] == nil ? "is not set" : "is empty"
                    throw InvalidSettingValue(
                        message: "\(key): environment variable \(name) \(state) (the value refers to it as "
                            + "${\(name)}); set it in the environment agentws runs in, "
                            + "or write $${\(name)} for the literal text"
                    )
                }
                value += variable
                if !variables.contains(name) { variables.append(name) }
            }
        }
        return Resolution(
            value: value, written: ConfigWrittenValue(value: .string(text), variables: variables))
    }

    /// Resolves `text`, then turns the effective text into a value with `parse`. When the text refers
    /// to variables and `parse` refuses it, the error does not repeat the effective text (it may be a
    /// secret): it names the value as written and what was expected.
    static func resolveAndParse<Value>(
        _ text: String,
        key: String,
        expected: String,
        environment: [String: String],
        _ parse: (String) throws(InvalidSettingValue) -> Value
    ) throws(InvalidSettingValue) -> (value: Value, written: ConfigWrittenValue?) {
        let resolution = try resolve(text, key: key, environment: environment)
        do {
            return (try parse(resolution.value), resolution.written)
        } catch {
            guard let written = resolution.written, !written.variables.isEmpty else { throw error }
            throw InvalidSettingValue(
                message: "\(key): expected \(expected), but \(text) does not give one once the environment "
                    + "variables are substituted (their values are not shown)"
            )
        }
    }

    /// Why `name` cannot be a variable name, or nil: letters, digits and `_`, not starting with a digit.
    private static func nameProblem(_ name: String) -> String? {
        if name.isEmpty {
            return "'${}' names no variable; write ${NAME}, or $${} for the literal text"
        }
        let valid = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
        }
        if valid, let first = name.unicodeScalars.first, !("0"..."9").contains(first) { return nil }
        let shown = name.unicodeScalars.count > 40 ? String(name.prefix(40)) + "…" : name
        return "'${\(shown)}' is not a variable reference: a name is letters, digits and '_', not starting "
            + "with a digit, and forms such as ${NAME:-default} are not supported; "
            + "write $${ for a literal '${'"
    }
}
