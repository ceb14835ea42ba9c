import AgentPluginSupport
import AgentwsJSON
import ProviderKit

/// The `claude` provider: Claude Code in stream-json mode, one process per live session serving
/// many turns (docs/providers/claude.md). The cursor is the Claude session id, `{"sessionId": "…"}`,
/// chosen by agentws on a fresh start so that the binding can be written before Claude answers.
actor ClaudePlugin: SessionKeepingPlugin {
    static let name = "claude"
    static let version = "0.1.0"

    let agent: AgentInstance
    let options: ClaudeOptions
    let host: PluginHost
    let liveSessions = LiveSessions<ClaudeSession>()
    private var sessionsStarted = 0

    init(configuration: PluginConfiguration, host: PluginHost) throws {
        agent = try AgentInstance(configuration, plugin: "claude", logFile: "claude-stderr.log")
        options = try ClaudeOptions(configuration.options, agent: agent)
        self.host = host
    }

    /// Claude switches models inside a conversation with the control protocol's `set_model`
    /// (claude-protocol-notes.md §6); the models are the instance's `models` option, else any.
    func describe() async throws -> PluginCapabilities {
        PluginCapabilities(modelSwitch: .inSession, models: options.models, canResume: true)
    }

    func start(_ request: StartRequest) async throws -> StartResult {
        let policy = try PermissionPolicy(
            runtimeMode: request.runtimeMode, options: options, instance: agent.name)
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
        liveSessions.add(session, id: session.id)
        return StartResult(session: session.id, cursor: session.cursor, resumed: start != .fresh(start.id))
    }

    /// Starts a claude process on `start`; its events go to `host`.
    func open(
        _ start: ConversationStart, cwd: String, model: String?, policy: PermissionPolicy, purpose: String,
        host: PluginHost
    ) async throws(PluginError) -> ClaudeSession {
        let environment = try ClaudeEnvironment(options: options, agent: agent)
        sessionsStarted += 1
        return try await ClaudeSession.open(
            id: "claude-\(sessionsStarted)", start: start, cwd: cwd, model: model, policy: policy,
            environment: environment, options: options, logPath: agent.logPath, purpose: purpose, host: host)
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
