/// One effective value for `agentws config`: `key = value    # origin`.
public struct ConfigReportLine: Sendable, Equatable {
    /// The dotted key, e.g. `providers.codex.idle_timeout`.
    public var key: String
    /// The value as it could be written in YAML (`30m`, `[codex/*]`, `{"command":["codex"]}`).
    public var value: String
    /// Where the value came from.
    public var origin: ConfigOrigin

    /// A line of the report.
    public init(key: String, value: String, origin: ConfigOrigin) {
        self.key = key
        self.value = value
        self.origin = origin
    }
}
