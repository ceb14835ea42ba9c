import AgentwsJSON

/// Reads the `options` object of a provider instance (from the host's YAML, as JSON): one reader for
/// the options every plugin that runs an agent has (`command`, `args`, `env`, time limits) and for
/// its own, each refusal naming the option and what it must be.
package struct OptionReader: Sendable {
    /// An option that is unknown or has a value of the wrong kind; the plugin names its instance.
    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package let description: String
        package init(_ description: String) { self.description = description }
    }

    private let options: [String: JSONValue]

    /// A reader of `options`, refusing any name not in `known`.
    package init(_ options: [String: JSONValue], known: [String]) throws(Problem) {
        for name in options.keys.sorted() where !known.contains(name) {
            throw Problem(
                "unknown option \"\(name)\"; the options are \(known.sorted().joined(separator: ", "))")
        }
        self.options = options
    }

    /// The value of `name`, nil when absent or null.
    private func value(_ name: String) -> JSONValue? {
        guard let value = options[name], !value.isNull else { return nil }
        return value
    }

    /// A list of strings.
    package func strings(_ name: String) throws(Problem) -> [String]? {
        guard let value = value(name) else { return nil }
        let texts = value.arrayValue?.compactMap(\.stringValue)
        guard let texts, texts.count == value.arrayValue?.count else {
            throw Problem("option \(name) must be a list of strings, got \(value)")
        }
        return texts
    }

    /// A program and its first arguments: a list of strings whose first is not empty.
    package func command(_ name: String, example: String) throws(Problem) -> [String]? {
        guard let command = try strings(name) else { return nil }
        guard let program = command.first, !program.isEmpty else {
            throw Problem("option \(name) must name a program: \(example)")
        }
        return command
    }

    /// A string that is not empty.
    package func string(_ name: String) throws(Problem) -> String? {
        guard let value = value(name) else { return nil }
        guard let text = value.stringValue, !text.isEmpty else {
            throw Problem("option \(name) must be a non-empty string, got \(value)")
        }
        return text
    }

    /// One of `allowed`.
    package func choice(_ name: String, _ allowed: [String]) throws(Problem) -> String? {
        guard let value = value(name) else { return nil }
        guard let text = value.stringValue, allowed.contains(text) else {
            throw Problem("option \(name) must be one of \(allowed.joined(separator: ", ")), got \(value)")
        }
        return text
    }

    /// A whole number of milliseconds above 0 (or 0 too, with `allowZero`).
    package func milliseconds(_ name: String, allowZero: Bool = false) throws(Problem) -> Duration? {
        guard let value = value(name) else { return nil }
        guard let number = value.integerValue, number > 0 || (allowZero && number == 0) else {
            let range = allowZero ? "of 0 or more" : "above 0"
            throw Problem("option \(name) must be a whole number of milliseconds \(range), got \(value)")
        }
        return .milliseconds(number)
    }

    /// A mapping of object keys to values.
    package func mapping(_ name: String, _ what: String) throws(Problem) -> [String: JSONValue]? {
        guard let value = value(name) else { return nil }
        guard let members = value.objectValue else {
            throw Problem("option \(name) must be a mapping of \(what), got \(value)")
        }
        return members
    }

    /// Changes to a child's environment: a string sets the variable, null removes it.
    package func environment(_ name: String) throws(Problem) -> [String: String?] {
        guard let members = try mapping(name, "variable names to strings or null") else { return [:] }
        var environment: [String: String?] = [:]
        for (variable, text) in members {
            guard !variable.isEmpty, !variable.contains("=") else {
                throw Problem("option \(name) has the variable name \"\(variable)\", which cannot be set")
            }
            switch text {
            case .string(let string): environment[variable] = .some(string)
            case .null: environment[variable] = .some(nil)
            default: throw Problem("option \(name).\(variable) must be a string or null, got \(text)")
            }
        }
        return environment
    }
}
