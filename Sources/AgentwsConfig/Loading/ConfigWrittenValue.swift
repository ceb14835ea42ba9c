import AgentwsJSON

/// A configuration value as its layer wrote it, kept where that differs from the effective value: it
/// refers to environment variables with `${NAME}` (or writes a literal `${` as `$${`). `agentws config`
/// shows this form, never the effective value, which may be a secret.
package struct ConfigWrittenValue: Sendable, Equatable {
    /// The value as written: a string for a scalar, an array for a list, an object for provider
    /// options (whose unchanged members are their effective values).
    package var value: JSONValue
    /// The variables it refers to, in order of first use; empty when it only escapes a `${`.
    package var variables: [String]

    /// A written form and the variables it names.
    package init(value: JSONValue, variables: [String]) {
        self.value = value
        self.variables = variables
    }

    /// The written form of a list whose entries may each have one; nil when none has.
    static func list(_ entries: [(value: String, written: ConfigWrittenValue?)]) -> ConfigWrittenValue? {
        guard entries.contains(where: { $0.written != nil }) else { return nil }
        var variables: [String] = []
        for name in entries.flatMap({ $0.written?.variables ?? [] }) where !variables.contains(name) {
            variables.append(name)
        }
        return ConfigWrittenValue(
            value: .array(entries.map { $0.written?.value ?? .string($0.value) }), variables: variables)
    }
}
