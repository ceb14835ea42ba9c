import AgentPluginSupport
import AgentwsJSON
import ProviderKit

/// The `codex` provider: Codex's `app-server` over stdio, one process serving every live session
/// of the instance, or one per session (`options.process`, docs/providers/codex.md). The cursor is the codex thread id, `{"threadId": "…"}`.
actor CodexPlugin: SessionKeepingPlugin {
    static let name = "codex"
    static let version = "0.1.0"

    let agent: AgentInstance
    let options: CodexOptions
    let host: PluginHost
    let liveSessions = LiveSessions<CodexSession>()
    let servers: AppServers
    private var sessionsStarted = 0

    init(configuration: PluginConfiguration, host: PluginHost) throws {
        agent = try AgentInstance(configuration, plugin: "codex", logFile: "codex-stderr.log")
        options = try CodexOptions(configuration.options, agent: agent)
        self.host = host
        servers = AppServers(options: options, agent: agent, host: host)
    }

    /// Codex takes a model per turn and keeps it for the thread (codex-protocol-notes §11); any
    /// model name goes, as codex's catalogue depends on the account and the model provider. Export,
    /// import and fork are advertised by ProviderKit from the conformances in CodexTranscripts.swift.
    func describe() async throws -> PluginCapabilities {
        PluginCapabilities(modelSwitch: .inSession, models: nil, canResume: true)
    }

    func start(_ request: StartRequest) async throws -> StartResult {
        let policy = try RuntimePolicy(
            runtimeMode: request.runtimeMode, options: options, instance: agent.name)
        let resume = try request.resumeCursor.map { cursor throws(PluginError) in try Self.thread(in: cursor)
        }
        sessionsStarted += 1
        let id = "codex-\(sessionsStarted)"
        let session = try await CodexSession.open(
            id: id, request: request, resume: resume, policy: policy, servers: servers, host: host)
        liveSessions.add(session, id: id)
        return StartResult(session: id, cursor: session.cursor, resumed: resume != nil)
    }

    /// Stops every session, then ends the shared process without waiting for its linger time.
    func shutdown() async {
        await liveSessions.stopAll()
        await servers.shutdown()
    }

    /// The thread id in a cursor. A cursor that is not a codex cursor cannot be resumed: that is
    /// `resume-failed`, so the user gets the choice to start fresh.
    static func thread(in cursor: JSONValue) throws(PluginError) -> String {
        guard let thread = cursor["threadId"]?.stringValue, !thread.isEmpty else {
            throw PluginError(
                code: .resumeFailed,
                message: "the resume cursor \(JSONWriter.compactString(cursor)) is not a codex cursor "
                    + "({\"threadId\": \"<codex thread id>\"})")
        }
        return thread
    }
}
