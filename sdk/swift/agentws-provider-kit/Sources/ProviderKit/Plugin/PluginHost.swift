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

    /// Where events and log lines go: through the C ABI's callback table, or straight to Swift
    /// closures when host and plugin logic share one module graph (the benchmark's baseline).
    enum Route: Sendable {
        case abi(HostConnection)
        case direct(
            events: @Sendable (PluginEvent, String) -> Void, log: @Sendable (LogLevel, String) -> Void)
    }

    let route: Route

    init(connection: HostConnection) { route = .abi(connection) }

    /// A host that receives events as Swift values, with no C ABI and no JSON in between.
    ///
    /// Plugins always get their host through `create`; this exists so that the benchmark can call a
    /// plugin's logic directly and compare it with the same work through the ABI.
    public init(
        events: @escaping @Sendable (PluginEvent, String) -> Void,
        log: @escaping @Sendable (LogLevel, String) -> Void
    ) {
        route = .direct(events: events, log: log)
    }

    /// Sends an event of `session` to the host.
    public func emit(_ event: PluginEvent, session: String) {
        switch route {
        case .abi(let connection): connection.emit(event.json(session: session))
        case .direct(let events, _): events(event, session)
        }
    }

    /// Writes a line to the host's log.
    public func log(_ level: LogLevel, _ message: String) {
        switch route {
        case .abi(let connection): connection.log(level, message)
        case .direct(_, let log): log(level, message)
        }
    }
}
