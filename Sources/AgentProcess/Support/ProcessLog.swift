/// The severity of a line a connection logs; the plugin maps it onto its host's log.
package enum ProcessLogLevel: Sendable, Equatable {
    case info
    case warning
    case error
}

/// Where a connection's log lines go (a plugin passes its `PluginHost.log`).
package typealias ProcessLog = @Sendable (ProcessLogLevel, String) -> Void
