import AgentProcess
import AgentwsJSON
import ProviderKit

/// A live session: one agent process, initialized, attached to one ACP session.
///
/// One process per session keeps sessions apart (a crash takes one conversation down, not all) and
/// makes stopping a session simply ending its process.
final class ACPSession: LiveSession {
    let id: String
    /// The ACP session id: the conversation, and the cursor.
    let acpSession: String
    let profile: AgentProfile
    private let connection: AgentConnection
    private let state: TurnState
    private let options: ACPOptions
    private let agent: String
    private let host: PluginHost
    /// The provider instance, for messages naming its options.
    private let launchInstance: String

    private init(
        id: String, acpSession: String, profile: AgentProfile, connection: AgentConnection, state: TurnState,
        options: ACPOptions, agent: String, host: PluginHost, launchInstance: String
    ) {
        self.id = id
        self.acpSession = acpSession
        self.profile = profile
        self.connection = connection
        self.state = state
        self.options = options
        self.agent = agent
        self.host = host
        self.launchInstance = launchInstance
    }

    /// The cursor of a conversation: the ACP session id. Nothing else is needed to find it again:
    /// agents keep their sessions by id (fast-agent under the session's cwd, which the binding keeps).
    static func cursor(_ acpSession: String) -> JSONValue { ["sessionId": .string(acpSession)] }

    var cursor: JSONValue { Self.cursor(acpSession) }

    /// Starts the agent and, on it, a new session (`resume` nil) or the stored session `resume`.
    static func open(
        id: String, request: StartRequest, resume: String?, policy: PermissionPolicy, launch: AgentLaunch,
        host: PluginHost
    ) async throws(PluginError) -> ACPSession {
        let state = TurnState(session: id, host: host)
        let agent = launch.agentName
        let connection = try connect(launch, policy: policy, state: state, host: host)
        do throws(PluginError) {
            let profile = try await connection.initialize()
            let sessionParams: [String: JSONValue] = [
                "cwd": .string(request.cwd), "mcpServers": .array(launch.options.mcpServers),
            ]
            let acpSession: String
            let configOptions: JSONValue?
            if let resume {
                guard let reopen = profile.reopen else {
                    throw PluginError(
                        code: .resumeFailed,
                        message: "\(connection.agentDescription(profile)) cannot resume a session: it "
                            + "advertises neither sessionCapabilities.resume nor loadSession, so ACP session "
                            + "\(resume) cannot be picked up again")
                }
                var params = sessionParams
                params["sessionId"] = .string(resume)
                let method = reopen == .resume ? "session/resume" : "session/load"
                let result = try await connection.call(method, .object(params), opening: resume)
                acpSession = resume
                configOptions = result["configOptions"]
                host.log(
                    .info,
                    "\(method) \(resume) for thread \(request.thread): consumed \(state.consumedUpdates) "
                        + "replayed updates")
            } else {
                let result = try await connection.call("session/new", .object(sessionParams))
                guard let created = result["sessionId"]?.stringValue, !created.isEmpty else {
                    throw PluginError(
                        code: .providerFailed,
                        message: "\(agent) answered session/new without a sessionId: "
                            + JSONWriter.compactString(result))
                }
                acpSession = created
                configOptions = result["configOptions"]
                host.log(.info, "session/new \(created) for thread \(request.thread)")
            }
            state.attach(acpSession: acpSession, configOptions: configOptions)
            let session = ACPSession(
                id: id, acpSession: acpSession, profile: profile, connection: connection, state: state,
                options: launch.options, agent: agent, host: host, launchInstance: launch.instance)
            if let model = request.model { try await session.select(model: model, announce: false) }
            return session
        } catch {
            state.markStopping()
            await connection.terminate(grace: launch.options.stopGrace)
            throw error
        }
    }

    /// Starts the agent with its updates going to `state` and its permission requests answered by
    /// `policy`.
    private static func connect(
        _ launch: AgentLaunch, policy: PermissionPolicy, state: TurnState, host: PluginHost
    )
        throws(PluginError) -> AgentConnection
    {
        let agent = launch.agentName
        return try AgentConnection.start(
            launch, host: host,
            handlers: AgentConnection.Handlers(
                update: { params in state.update(params) },
                permission: { params in
                    let (result, notice) = policy.answer(params, agent: agent)
                    host.log(.info, notice)
                    state.notice(notice)
                    return result
                },
                ended: { why in
                    state.ended(why)
                    if !state.isStopping { host.log(.error, why) }
                }))
    }

    /// Copies ACP session `source` into a new session with `session/fork`, on an agent process of
    /// its own that ends when the copy is made; returns the new session's id. An agent that does not
    /// advertise `sessionCapabilities.fork` is `unsupported`, naming the agent; one that does not
    /// have `source` is `not-found`.
    static func fork(
        source: String, thread: String, cwd: String, policy: PermissionPolicy, launch: AgentLaunch,
        host: PluginHost
    ) async throws(PluginError) -> String {
        let state = TurnState(session: "acp-fork", host: host)
        let agent = launch.agentName
        let connection = try connect(launch, policy: policy, state: state, host: host)
        do throws(PluginError) {
            let profile = try await connection.initialize()
            guard profile.canFork else {
                throw PluginError(
                    code: .unsupported,
                    message: "\(connection.agentDescription(profile)) cannot fork a conversation: it does "
                        + "not advertise sessionCapabilities.fork (it advertises \(profile.summary))")
            }
            let result: JSONValue
            do throws(PluginError) {
                result = try await connection.call(
                    "session/fork",
                    [
                        "sessionId": .string(source), "cwd": .string(cwd),
                        "mcpServers": .array(launch.options.mcpServers),
                    ], opening: source)
            } catch  where error.code == .resumeFailed {
                throw PluginError(code: .notFound, message: error.message)
            }
            guard let copy = result["sessionId"]?.stringValue, !copy.isEmpty, copy != source else {
                throw PluginError(
                    code: .providerFailed,
                    message: "\(agent) answered session/fork of \(source) without a new sessionId: "
                        + JSONWriter.compactString(result))
            }
            host.log(.info, "session/fork \(source) → \(copy) for thread \(thread)")
            state.markStopping()
            await connection.terminate(grace: launch.options.stopGrace)
            return copy
        } catch {
            state.markStopping()
            await connection.terminate(grace: launch.options.stopGrace)
            throw error
        }
    }

    // MARK: models

    /// Selects `model` through the session's model config option. An agent that offers none cannot
    /// be told a model over ACP: then the model is only what the thread is labelled with, said once
    /// as a notice (the agent's own configuration, e.g. fast-agent's `--model`, decides).
    func select(model: String, announce: Bool) async throws(PluginError) {
        guard let option = state.modelOption else {
            // describe reports `restart` for such an agent, so only a start gets here.
            host.log(
                .info,
                "\(agent) offers no model choice over ACP (no config option of category model); it uses its "
                    + "own configuration, and \"\(model)\" is only the thread's label")
            return
        }
        if option.current == model { return }
        guard option.values.isEmpty || option.values.contains(model) else {
            throw PluginError(
                code: .invalidRequest,
                message: "\(agent) does not offer model \"\(model)\"; it offers "
                    + option.values.joined(separator: ", "))
        }
        let result = try await connection.call(
            "session/set_config_option",
            ["sessionId": .string(acpSession), "configId": .string(option.id), "value": .string(model)])
        if let options = result["configOptions"], options.arrayValue != nil {
            state.replaceConfigOptions(options)
        }
        if announce { state.notice("\(agent) now uses model \(model) in the same session") }
    }

    // MARK: turns

    /// Runs one turn: `session/prompt` with the text, the updates shown as they come, and the
    /// answer's `stopReason` ending it.
    func send(_ request: PluginTurnRequest) async throws(PluginError) -> PluginTurnResult {
        if let model = request.model { try await select(model: model, announce: true) }
        try state.beginTurn()
        defer { state.endTurn() }
        let params: JSONValue = [
            "sessionId": .string(acpSession), "prompt": [["type": "text", "text": .string(request.text)]],
        ]
        let result = try await connection.call(
            "session/prompt", params, timeout: options.turnTimeout,
            timeoutSetting: "providers.\(launchInstance).options.turn_timeout_ms", turn: true
        ) { [state, connection, acpSession] in
            // An interrupt that came before the prompt was on its way goes right after it.
            if state.promptSent() {
                try? connection.notify("session/cancel", ["sessionId": .string(acpSession)])
            }
        }
        let usage = Self.usage(result["usage"])
        switch result["stopReason"]?.stringValue {
        case "end_turn": return PluginTurnResult(stopReason: .endTurn, usage: usage)
        case "cancelled": return PluginTurnResult(stopReason: .cancelled, usage: usage)
        case "max_tokens": return PluginTurnResult(stopReason: .maxTokens, usage: usage)
        case "refusal": return PluginTurnResult(stopReason: .refusal, usage: usage)
        case "max_turn_requests":
            state.notice("\(agent) ended the turn: it reached its limit of model requests for one turn")
            return PluginTurnResult(stopReason: .endTurn, usage: usage)
        case let other:
            throw PluginError(
                code: .providerFailed,
                message:
                    "\(agent) ended the turn with stopReason \(other ?? "(none)"), which ACP does not define")
        }
    }

    /// The prompt answer's `usage` (ACP, unstable: the turn's tokens, under the names agentws uses
    /// too). Figures that are not counts are left out rather than failing a turn that went well.
    static func usage(_ reported: JSONValue?) -> PluginTurnResult.Usage? {
        guard let reported, reported.objectValue != nil else { return nil }
        func count(_ key: String) -> Int64? { reported[key]?.integerValue.flatMap { $0 >= 0 ? $0 : nil } }
        let usage = PluginTurnResult.Usage(
            inputTokens: count("inputTokens"), outputTokens: count("outputTokens"),
            totalTokens: count("totalTokens"), thoughtTokens: count("thoughtTokens"),
            cachedReadTokens: count("cachedReadTokens"), cachedWriteTokens: count("cachedWriteTokens"))
        return usage == PluginTurnResult.Usage() ? nil : usage
    }

    /// Interrupts the running turn with `session/cancel`; the agent then answers the prompt with
    /// `stopReason: cancelled`. Nothing to do when no turn runs.
    func interrupt() throws(PluginError) {
        guard state.requestCancel() == .send else { return }
        try connection.notify("session/cancel", ["sessionId": .string(acpSession)])
    }

    var isBusy: Bool { state.isTurnRunning }

    /// The model choice the session offers, if any.
    var modelOption: ModelOption? { state.modelOption }

    /// Ends the process; a running turn ends as cancelled. The session stays resumable where the agent
    /// keeps sessions: ACP has no "save" step, agents persist as they go.
    func stop() async {
        state.markStopping()
        await connection.terminate(grace: options.stopGrace)
    }

    /// Ends the session for good (the capability probe): `session/close` first where advertised,
    /// so the agent can let go of it, then the process.
    func close() async {
        if profile.canClose {
            _ = try? await connection.call("session/close", ["sessionId": .string(acpSession)])
        }
        await stop()
    }
}
