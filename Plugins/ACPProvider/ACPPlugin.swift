import AgentPluginSupport
import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// The `acp` provider: any Agent Client Protocol agent, started from the configured command, one
/// process per live session (docs/providers/acp.md). The cursor is the ACP session id,
/// `{"sessionId": "…"}`.
actor ACPPlugin: SessionKeepingPlugin {
    static let name = "acp"
    static let version = "0.1.0"

    private let agent: AgentInstance
    private let options: ACPOptions
    private let host: PluginHost
    let liveSessions = LiveSessions<ACPSession>()
    private var sessionsStarted = 0
    /// What the agent said about itself, learnt once per instance by `describe`.
    private var probed: Probe?

    /// What a probe learns: the agent's capabilities, and the model choice a new session offers.
    struct Probe: Sendable {
        var profile: AgentProfile
        var modelOption: ModelOption?
    }

    init(configuration: PluginConfiguration, host: PluginHost) throws {
        agent = try AgentInstance(configuration, plugin: "acp", logFile: "agent-stderr.log")
        options = try ACPOptions(configuration.options, agent: agent)
        self.host = host
    }

    /// The capabilities come from the agent itself: it is started once per instance (in a directory
    /// of its own under the instance's state directory), initialized and asked for one new session,
    /// which shows whether it offers a model choice; then it is ended. Resume is possible when it
    /// advertises `sessionCapabilities.resume` or `loadSession`; a model change is `in-session` when a
    /// session offers a `model` config option (whose values are then the accepted models), else
    /// `restart`.
    func describe() async throws -> PluginCapabilities {
        let probe = try await probe()
        return PluginCapabilities(
            modelSwitch: probe.modelOption == nil ? .restart : .inSession,
            models: probe.modelOption.flatMap { $0.values.isEmpty ? nil : $0.values },
            canResume: probe.profile.reopen != nil)
    }

    private func probe() async throws(PluginError) -> Probe {
        if let probed { return probed }
        let directory = agent.stateDirectory + "/probe"
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw PluginError(
                code: .providerFailed,
                message: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        let launch = try AgentLaunch(
            options: options, agent: agent, sessionDirectory: directory, purpose: "the capability probe")
        let session = try await ACPSession.open(
            id: "acp-probe",
            request: StartRequest(
                thread: "(probe)", cwd: directory, model: nil, runtimeMode: nil, resumeCursor: nil),
            resume: nil, policy: try PermissionPolicy(runtimeMode: nil, cwd: directory), launch: launch,
            host: host)
        let probe = Probe(profile: session.profile, modelOption: session.modelOption)
        await session.close()
        probed = probe
        return probe
    }

    func start(_ request: StartRequest) async throws -> StartResult {
        let policy = try PermissionPolicy(runtimeMode: request.runtimeMode, cwd: request.cwd)
        let resume = try request.resumeCursor.map { cursor throws(PluginError) in try Self.session(in: cursor)
        }
        let launch = try AgentLaunch(
            options: options, agent: agent, sessionDirectory: request.cwd, purpose: "thread \(request.thread)"
        )
        sessionsStarted += 1
        let id = "acp-\(sessionsStarted)"
        let session = try await ACPSession.open(
            id: id, request: request, resume: resume, policy: policy, launch: launch, host: host)
        liveSessions.add(session, id: id)
        if probed == nil { probed = Probe(profile: session.profile, modelOption: session.modelOption) }
        return StartResult(session: id, cursor: session.cursor, resumed: resume != nil)
    }

    /// The ACP session id in a cursor. A cursor that is not an ACP cursor cannot be resumed: that is
    /// `resume-failed`, so the user gets the choice to start fresh.
    static func session(in cursor: JSONValue) throws(PluginError) -> String {
        guard let id = cursor["sessionId"]?.stringValue, !id.isEmpty else {
            throw PluginError(
                code: .resumeFailed,
                message: "the resume cursor \(JSONWriter.compactString(cursor)) is not an ACP cursor "
                    + "({\"sessionId\": \"<ACP session id>\"})")
        }
        return id
    }
}

/// ABI 1.1 `fork` through ACP's `session/fork`, where the agent advertises it (docs/providers/acp.md,
/// "Forks and transcripts"). Whether it does is only known from the agent's `initialize`, so the
/// plugin offers `fork` for every agent and answers `unsupported`, naming the agent, for one that
/// does not.
extension ACPPlugin: ConversationForking {
    func fork(_ request: ForkConversationRequest) async throws -> PluginForkResult {
        let source: String
        do {
            source = try Self.session(in: request.cursor)
        } catch {
            throw PluginError(code: .invalidRequest, message: error.message)
        }
        let launch = try AgentLaunch(
            options: options, agent: agent, sessionDirectory: request.cwd,
            purpose: "forking for thread \(request.thread)")
        let copy = try await ACPSession.fork(
            source: source, thread: request.thread, cwd: request.cwd,
            policy: try PermissionPolicy(runtimeMode: request.runtimeMode, cwd: request.cwd), launch: launch,
            host: host)
        return PluginForkResult(cursor: ACPSession.cursor(copy))
    }
}
