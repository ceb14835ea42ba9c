import AgentwsCore

/// A command-line override of one configuration key, such as `--set reaper.idle_timeout=5m`.
///
/// The key is dotted (`models.aliases.fast`, `providers.codex.idle_timeout`; a bare section such as
/// `providers` takes a whole mapping). The value is read as a YAML value, so lists and mappings can be
/// given in flow style: `--set 'models.allow=[codex/*]'`.
package struct ConfigOverride: Sendable, Equatable {
    /// The dotted key.
    package var key: String
    /// The value as typed, parsed as YAML when the override is applied.
    package var value: String
    /// The flag it came from, shown as its origin (`flag --set`).
    package var flag: String

    /// An override of `key` with `value`, given through `flag`.
    package init(key: String, value: String, flag: String = "--set") {
        self.key = key
        self.value = value
        self.flag = flag
    }

    /// Splits a `key=value` argument at its first `=`.
    package init(parsing argument: String, flag: String = "--set") throws(AgentwsError) {
        guard let equals = argument.firstIndex(of: "=") else {
            throw AgentwsError(
                .usage, "\(flag) \(argument): expected key=value, e.g. \(flag) reaper.idle_timeout=5m")
        }
        let key = String(argument[..<equals])
        guard !key.isEmpty else {
            throw AgentwsError(.usage, "\(flag) \(argument): the key before '=' is empty")
        }
        self.init(key: key, value: String(argument[argument.index(after: equals)...]), flag: flag)
    }

    var origin: ConfigOrigin { .flag(name: flag, argument: "\(key)=\(value)") }
}
