import AgentwsCore
import AgentwsJSON

/// What the ACP agent needs from the process it runs in, beyond the session service: things that
/// live in other modules (the plugin catalog, the workspace's path rules) or that tests control.
package struct ACPEnvironment: Sendable {
    /// The version `initialize` reports in `agentInfo`.
    package var agentVersion: String
    /// The workspace-relative form of an absolute directory (symlinks resolved), or nil when it is
    /// outside the workspace.
    package var relativePath: @Sendable (String) -> String?
    /// `_agentws/providers`: plugins and provider instances, as `agentws providers --json` prints them.
    package var providersReport: @Sendable () async -> JSONValue
    /// The wall clock, for generated thread ids.
    package var now: @Sendable () -> UTCDateTime

    package init(
        agentVersion: String, relativePath: @escaping @Sendable (String) -> String?,
        providersReport: @escaping @Sendable () async -> JSONValue,
        now: @escaping @Sendable () -> UTCDateTime
    ) {
        self.agentVersion = agentVersion
        self.relativePath = relativePath
        self.providersReport = providersReport
        self.now = now
    }
}
