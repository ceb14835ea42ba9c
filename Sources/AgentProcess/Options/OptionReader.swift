import AgentwsJSON

/// Reads the `options` object of a provider instance (from the host's YAML, as JSON) with
/// `JSONObjectReader`: one reader for the options every plugin that runs an agent has (`command`,
/// `args`, `env`, time limits) and for its own, each refusal naming the option's path and what it
/// must be (`options.stop_grace_ms: expected a whole number of milliseconds above 0, found -1`).
package struct OptionReader: Sendable {
    /// An option that is unknown or has a value of the wrong kind; the plugin names its instance.
    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package let description: String
        package init(_ description: String) { self.description = description }
        package init(_ problem: JSONFieldError) { description = problem.description }
    }

    private let reader: JSONObjectReader

    /// A reader of `options`, refusing any name not in `known`.
    package init(_ options: [String: JSONValue], known: [String]) throws(Problem) {
        for name in options.keys.sorted() where !known.contains(name) {
            throw Problem(
                "unknown option \"\(name)\"; the options are \(known.sorted().joined(separator: ", "))")
        }
        reader = JSONObjectReader(members: options, path: "options")
    }

    /// Option `name` converted by `convert`, nil when absent or null; refused when `convert` returns
    /// nil, as not `expected`.
    package func value<Value>(_ name: String, _ expected: String, _ convert: (JSONValue) -> Value?)
        throws(Problem) -> Value?
    {
        do {
            return try reader.optionalTyped(name, expected, convert)
        } catch {
            throw Problem(error)
        }
    }

    /// A list of strings.
    package func strings(_ name: String) throws(Problem) -> [String]? {
        try value(name, "a list of strings") { value in
            let texts = value.arrayValue?.compactMap(\.stringValue)
            return texts?.count == value.arrayValue?.count ? texts : nil
        }
    }

    /// A program and its first arguments: a list of strings whose first is not empty.
    package func command(_ name: String, example: String) throws(Problem) -> [String]? {
        guard let command = try strings(name) else { return nil }
        guard let program = command.first, !program.isEmpty else {
            throw Problem("\(reader.path(of: name)) must name a program: \(example)")
        }
        return command
    }

    /// A string that is not empty.
    package func string(_ name: String, _ expected: String = "a non-empty string") throws(Problem) -> String?
    {
        try value(name, expected) { $0.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// One of `allowed`.
    package func choice(_ name: String, _ allowed: [String]) throws(Problem) -> String? {
        try value(name, "one of \(allowed.joined(separator: ", "))") { value in
            value.stringValue.flatMap { allowed.contains($0) ? $0 : nil }
        }
    }

    /// A whole number within `range`, described as `expected`.
    package func integer(_ name: String, in range: ClosedRange<Int64>, _ expected: String) throws(Problem)
        -> Int64?
    {
        try value(name, expected) { $0.integerValue.flatMap { range.contains($0) ? $0 : nil } }
    }

    /// A whole number of milliseconds above 0 (or 0 too, with `allowZero`).
    package func milliseconds(_ name: String, allowZero: Bool = false) throws(Problem) -> Duration? {
        let range = allowZero ? "of 0 or more" : "above 0"
        return try integer(
            name, in: (allowZero ? 0 : 1)...Int64.max, "a whole number of milliseconds \(range)"
        ).map {
            .milliseconds($0)
        }
    }

    /// A mapping of object keys to values.
    package func mapping(_ name: String, _ what: String) throws(Problem) -> [String: JSONValue]? {
        try value(name, "a mapping of \(what)") { $0.objectValue }
    }

    /// Changes to a child's environment: a string sets the variable, null removes it.
    package func environment(_ name: String) throws(Problem) -> [String: String?] {
        guard let members = try mapping(name, "variable names to strings or null") else { return [:] }
        var environment: [String: String?] = [:]
        for (variable, text) in members {
            guard !variable.isEmpty, !variable.contains("=") else {
                throw Problem(
                    "\(reader.path(of: name)) has the variable name \"\(variable)\", which cannot be set")
            }
            switch text {
            case .string(let string): environment[variable] = .some(string)
            case .null: environment[variable] = .some(nil)
            default:
                throw Problem(
                    JSONFieldError(
                        path: reader.path(of: name) + "." + variable, expected: "a string or null",
                        found: text))
            }
        }
        return environment
    }
}
