/// The host, as a plugin instance sees it: where events and log lines go.
///
/// A copy may be kept and used from any task. Once the host destroys the instance, everything sent
/// through it is dropped, so background work never calls into a host that is gone.
public struct PluginHost: Sendable {
    /// The severity of a log line.
    public enum LogLevel: Sendable, Equatable {
        /// Detail for debugging the plugin.
        case debug
        /// Normal operation worth a line.
        case info
        /// Something odd that did not stop the work.
        case warning
        /// Something failed.
        case error
    }

    let connection: HostConnection

    /// Sends an event of `session` to the host.
    public func emit(_ event: PluginEvent, session: String) {
        connection.emit(event.json(session: session))
    }

    /// Writes a line to the host's log.
    public func log(_ level: LogLevel, _ message: String) {
        connection.log(level, message)
    }
}
