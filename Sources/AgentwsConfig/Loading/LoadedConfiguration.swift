import AgentwsCore

/// The effective configuration and where each of its values came from.
package struct LoadedConfiguration: Sendable, Equatable {
    /// The typed configuration the rest of agentws uses.
    package var configuration: Configuration
    /// The origin of every value, by dotted key: `reaper.idle_timeout`, `models.aliases.fast`,
    /// `providers.codex.plugin`, … (`models.aliases` itself while there are no aliases). Provider
    /// fields appear only when some layer set them.
    package var origins: [String: ConfigOrigin]
    /// The values written with `${NAME}` references, by dotted key (as in `origins`), in the form they
    /// were written: what `agentws config` shows, since the effective value may be a secret.
    package var asWritten: [String: ConfigWrittenValue]

    /// Pairs a configuration with its origins and the written form of values that name variables.
    package init(
        configuration: Configuration, origins: [String: ConfigOrigin],
        asWritten: [String: ConfigWrittenValue] = [:]
    ) {
        self.configuration = configuration
        self.origins = origins
        self.asWritten = asWritten
    }

    /// The origin of `key`, or `default` for a key no layer set.
    package func origin(of key: String) -> ConfigOrigin {
        origins[key] ?? .defaults
    }
}
