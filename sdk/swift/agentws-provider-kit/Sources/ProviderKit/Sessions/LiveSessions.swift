import AgentwsSystem

/// One live session of a plugin that keeps an object per session (a child process, a connection).
public protocol LiveSession: Sendable {
    /// Runs one turn.
    func send(_ request: PluginTurnRequest) async throws(PluginError) -> PluginTurnResult
    /// Interrupts the running turn, if any.
    func interrupt() async throws(PluginError)
    /// Whether a turn is running.
    var isBusy: Bool { get }
    /// Ends the session; its conversation stays resumable.
    func stop() async
}

/// The live sessions of a plugin instance, by the session id the plugin gave the host.
public final class LiveSessions<Session: LiveSession>: Sendable {
    private let sessions = Locked<[String: Session]>([:])

    public init() {}

    /// Keeps `session` under `id`.
    public func add(_ session: Session, id: String) {
        sessions.withLock { $0[id] = session }
    }

    /// The session `id`; `not-found` when there is none.
    public func session(_ id: String) throws(PluginError) -> Session {
        guard let session = sessions.withLock({ $0[id] }) else { throw Self.noSession(id) }
        return session
    }

    /// Forgets the session `id` and returns it; `not-found` when there is none.
    public func remove(_ id: String) throws(PluginError) -> Session {
        guard let session = sessions.withLock({ $0.removeValue(forKey: id) }) else {
            throw Self.noSession(id)
        }
        return session
    }

    /// Stops every session, all at once.
    public func stopAll() async {
        let all = sessions.withLock { sessions in
            defer { sessions = [:] }
            return Array(sessions.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for session in all { group.addTask { await session.stop() } }
        }
    }

    private static func noSession(_ id: String) -> PluginError {
        PluginError(code: .notFound, message: "no live session \(id)")
    }
}

/// A plugin whose sessions are `LiveSession` objects kept in `liveSessions`: the session methods of
/// `ProviderPlugin` come from here, each looking its session up.
public protocol SessionKeepingPlugin: ProviderPlugin {
    associatedtype Session: LiveSession
    /// The instance's live sessions.
    var liveSessions: LiveSessions<Session> { get }
}

extension SessionKeepingPlugin {
    public func send(_ request: PluginTurnRequest) async throws -> PluginTurnResult {
        try await liveSessions.session(request.session).send(request)
    }

    public func interrupt(session id: String) async throws {
        try await liveSessions.session(id).interrupt()
    }

    public func status(session id: String) async throws -> SessionStatus {
        SessionStatus(busy: try liveSessions.session(id).isBusy)
    }

    public func stop(session id: String) async throws {
        try await liveSessions.remove(id).stop()
    }

    public func shutdown() async {
        await liveSessions.stopAll()
    }
}
