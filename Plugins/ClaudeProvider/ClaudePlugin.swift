import AgentwsJSON
import ProviderKit

/// The `claude` provider: Claude Code in stream-json mode, one process per live session serving
/// many turns (docs/providers/claude.md). The cursor is the Claude session id, `{"sessionId": "…"}`,
/// chosen by agentws on a fresh start so that the binding can be written before Claude answers.
actor ClaudePlugin: ProviderPlugin {
    static let name = "claude"
    static let version = "0.1.0"

    let instance: String
    let options: ClaudeOptions
    let workspace: String
    private let logPath: String
    let host: PluginHost
    private var sessions: [String: ClaudeSession] = [:]
    private var sessionsStarted = 0

    init(configuration: PluginConfiguration, host: PluginHost) throws {
        instance = configuration.instanceName
        options = try ClaudeOptions(configuration.options, instance: configuration.instanceName)
        for (name, path) in [
            ("workspace", configuration.workspace), ("stateDirectory", configuration.stateDirectory),
        ]
        where !path.hasPrefix("/") {
            throw PluginError(
                code: .invalidRequest,
                message: "provider \"\(instance)\" (claude): \(name) \"\(path)\" is not absolute")
        }
        workspace = configuration.workspace
        logPath = configuration.stateDirectory + "/claude-stderr.log"
        self.host = host
    }

    /// Claude switches models inside a conversation with the control protocol's `set_model`
    /// (claude-protocol-notes.md §6); the models are the instance's `models` option, else any.
    func describe() async throws -> PluginCapabilities {
        PluginCapabilities(modelSwitch: .inSession, models: options.models, canResume: true)
    }

    func start(_ request: StartRequest) async throws -> StartResult {
        let policy = try PermissionPolicy(
            runtimeMode: request.runtimeMode, options: options, instance: instance)
        let start: ConversationStart
        if let cursor = request.resumeCursor {
            start = .resume(try Self.conversation(in: cursor))
        } else {
            start = .fresh(SessionID.random())
        }
        let session = try await open(
            start, cwd: request.cwd, model: request.model, policy: policy,
            purpose: "thread \(request.thread)", host: host)
        switch start {
        case .fresh(let id): host.log(.info, "started claude session \(id) for \(request.thread)")
        default: host.log(.info, "resumed claude session \(start.id) for \(request.thread)")
        }
        sessions[session.id] = session
        return StartResult(session: session.id, cursor: session.cursor, resumed: start != .fresh(start.id))
    }

    /// Starts a claude process on `start`; its events go to `host`.
    func open(
        _ start: ConversationStart, cwd: String, model: String?, policy: PermissionPolicy, purpose: String,
        host: PluginHost
    ) async throws(PluginError) -> ClaudeSession {
        let environment = try ClaudeEnvironment(options: options, instance: instance, workspace: workspace)
        sessionsStarted += 1
        return try await ClaudeSession.open(
            id: "claude-\(sessionsStarted)", start: start, cwd: cwd, model: model, policy: policy,
            environment: environment, options: options, logPath: logPath, purpose: purpose, host: host)
    }

    func send(_ request: SendRequest) async throws -> SendResult {
        try await session(request.session).send(request)
    }

    func interrupt(session id: String) async throws {
        try await session(id).interrupt()
    }

    func status(session id: String) async throws -> SessionStatus {
        SessionStatus(busy: try session(id).isBusy)
    }

    func stop(session id: String) async throws {
        guard let session = sessions.removeValue(forKey: id) else { throw Self.noSession(id) }
        await session.stop()
    }

    func shutdown() async {
        let all = Array(sessions.values)
        sessions = [:]
        await withTaskGroup(of: Void.self) { group in
            for session in all { group.addTask { await session.stop() } }
        }
    }

    private func session(_ id: String) throws(PluginError) -> ClaudeSession {
        guard let session = sessions[id] else { throw Self.noSession(id) }
        return session
    }

    private static func noSession(_ id: String) -> PluginError {
        PluginError(code: .notFound, message: "no live session \(id)")
    }

    /// The Claude session id in a cursor. A cursor that is not a claude cursor cannot be resumed:
    /// that is `resume-failed`, so the user gets the choice to start fresh.
    static func conversation(in cursor: JSONValue) throws(PluginError) -> String {
        guard let id = cursor["sessionId"]?.stringValue, SessionID.isValid(id) else {
            throw PluginError(
                code: .resumeFailed,
                message: "the resume cursor \(JSONWriter.compactString(cursor)) is not a claude cursor "
                    + "({\"sessionId\": \"<Claude session id, a UUID>\"})")
        }
        return id
    }
}
