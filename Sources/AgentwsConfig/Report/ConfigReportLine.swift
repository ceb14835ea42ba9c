/// One effective value for `agentws config`: `key = value    # origin`.
package struct ConfigReportLine: Sendable, Equatable {
    /// The dotted key, e.g. `providers.codex.idle_timeout`.
    package var key: String
    /// The value as it could be written in YAML (`30m`, `[codex/*]`, `{"command":["codex"]}`).
    package var value: String
    /// Where the value came from.
    package var origin: ConfigOrigin
    /// The environment variables the value refers to with `${NAME}`; `value` is then the value as
    /// written, never the effective one.
    package var variables: [String]

    /// A line of the report.
    package init(key: String, value: String, origin: ConfigOrigin, variables: [String] = []) {
        self.key = key
        self.value = value
        self.origin = origin
        self.variables = variables
    }

    /// The origin as the text report shows it: `/path/config.yaml:3:5 via env OPENAI_API_KEY` for a
    /// value that refers to variables.
    package var originText: String {
        variables.isEmpty ? origin.description : "\(origin) via env \(variables.joined(separator: ", "))"
    }
}
