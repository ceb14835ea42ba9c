import AgentPluginSupport
import AgentProcess
import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// One ACP agent process as a JSON-RPC 2.0 peer, with ACP's client side on top: `initialize`, calls
/// whose failures become plugin errors naming the agent (with its last stderr lines when it died),
/// the agent's requests answered, and a broken agent (a line that is not JSON-RPC, a line over the
/// size limit) ended at once rather than waited for.
final class AgentConnection: Sendable {
    /// Where what the agent sends on its own goes; called on the reader thread, in order.
    struct Handlers: Sendable {
        /// A `session/update` notification's params.
        var update: @Sendable (JSONValue) -> Void
        /// A `session/request_permission` request's params; returns the result to answer with.
        var permission: @Sendable (JSONValue) -> JSONValue
        /// The agent is gone: why, as a sentence part naming it.
        var ended: @Sendable (String) -> Void
    }

    /// The protocol version agentws speaks.
    static let protocolVersion: Int64 = 1

    private let peer: JSONRPCPeer
    private let launch: AgentLaunch
    private let host: PluginHost
    /// Set when the session stops the agent on purpose.
    private let stopping = Locked(false)

    private init(peer: JSONRPCPeer, launch: AgentLaunch, host: PluginHost) {
        self.peer = peer
        self.launch = launch
        self.host = host
    }

    private var agent: String { launch.agentName }

    /// Spawns the agent. Its peer is strict: a line that is not JSON-RPC, or one longer than
    /// `max_message_bytes`, ends the agent at once and fails what waits for it with the reason.
    static func start(_ launch: AgentLaunch, host: PluginHost, handlers: Handlers) throws(PluginError)
        -> AgentConnection
    {
        let agent = launch.agentName
        let peerHandlers = JSONRPCPeer.Handlers(
            notification: { method, params in
                if method == "session/update" { handlers.update(params) }
            },
            request: { _, method, params in
                switch method {
                case "session/request_permission":
                    return .result(handlers.permission(params))
                default:
                    // agentws advertises neither fs nor terminal; anything else is not ours to do.
                    host.log(.warning, "\(agent) sent \(method), which agentws does not offer; refused")
                    return .error(
                        JSONRPCError(
                            code: JSONRPCError.Code.methodNotFound,
                            message:
                                "agentws does not offer \(method) (it advertises no fs or terminal capability)"
                        ))
                }
            },
            ended: { end in handlers.ended("\(end.summary)\(end.details)") })
        do {
            let peer = try JSONRPCPeer.launch(
                launch.command, name: agent, purpose: launch.purpose, logPath: launch.logPath,
                configuration: JSONRPCPeer.Configuration(
                    dialect: .standard, requestTimeout: launch.options.requestTimeout,
                    timeoutSetting: "providers.\(launch.instance).options.request_timeout_ms",
                    strict: true, lineLimit: launch.options.maxMessageBytes,
                    lineLimitSetting: "providers.\(launch.instance).options.max_message_bytes"),
                log: host.processLog, handlers: peerHandlers)
            return AgentConnection(peer: peer, launch: launch, host: host)
        } catch {
            throw PluginError(code: .providerFailed, message: "cannot start \(agent): \(error)")
        }
    }

    /// `initialize`: protocol version 1 and honest client capabilities (no fs, no terminal; select
    /// config options).
    func initialize() async throws(PluginError) -> AgentProfile {
        let result = try await call(
            "initialize",
            [
                "protocolVersion": .integer(Self.protocolVersion),
                "clientCapabilities": [
                    "fs": ["readTextFile": false, "writeTextFile": false], "terminal": false,
                    // Select config options are understood (the model option); agents that honour
                    // this (pydantic-acp) offer them only to clients that say so.
                    "session": ["configOptions": [:]],
                ],
                "clientInfo": ["name": "agentws", "title": "agentws", "version": .string(ACPPlugin.version)],
            ], timeout: launch.options.initializeTimeout,
            timeoutSetting: "providers.\(launch.instance).options.initialize_timeout_ms")
        let profile: AgentProfile
        do {
            profile = try AgentProfile(initializeResult: result)
        } catch {
            throw PluginError(code: .providerFailed, message: "\(agent) \(error)")
        }
        guard profile.protocolVersion == Self.protocolVersion else {
            throw PluginError(
                code: .providerFailed,
                message: "\(agent) speaks ACP protocol version \(profile.protocolVersion); agentws speaks "
                    + "version \(Self.protocolVersion)")
        }
        host.log(.info, "\(agentDescription(profile)) initialized: \(profile.summary)")
        return profile
    }

    /// The agent as it named itself, for messages: `fast-agent-acp 0.10.48`.
    func agentDescription(_ profile: AgentProfile) -> String {
        profile.agentDescription.map { "\(agent) (\($0))" } ?? agent
    }

    /// Calls `method`. A failure is `provider-failed` naming the agent; when `opening` names the
    /// session being resumed or loaded, the agent's "not found" (`-32002`, or a message saying so)
    /// is `resume-failed`. With `turn`, an agent ended on purpose (`stop`) is not a failure: the
    /// caller sees the turn cancelled. `sent` runs once the request is written.
    func call(
        _ method: String, _ params: JSONValue, timeout: Duration? = nil, timeoutSetting: String? = nil,
        opening: String? = nil, turn: Bool = false, sent: @Sendable () -> Void = {}
    ) async throws(PluginError) -> JSONValue {
        let outcome = await withCheckedContinuation { continuation in
            peer.send(method, params, timeout: timeout, timeoutSetting: timeoutSetting) {
                continuation.resume(returning: $0)
            }
            sent()
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error):
            if let opening, let object = error.errorObject, Self.isMissingSession(object, session: opening) {
                throw PluginError(
                    code: .resumeFailed,
                    message:
                        "\(agent) has no session \(opening): \(object.message) (\(method), code \(object.code))"
                )
            }
            if turn, case .ended = error.reason, stopping.withLock({ $0 }) {
                return ["stopReason": "cancelled"]
            }
            throw PluginError(code: .providerFailed, message: error.description)
        }
    }

    /// ACP's "resource not found" (`-32002`, fast-agent), "invalid params" naming the session in
    /// its data (`-32602` with `data.sessionId`, pydantic-acp), or an error whose message says the
    /// session is not found (agents that answer with a generic code).
    static func isMissingSession(_ error: JSONRPCError, session: String) -> Bool {
        if error.code == -32002 { return true }
        if error.code == JSONRPCError.Code.invalidParams, error.data?["sessionId"]?.stringValue == session {
            return true
        }
        let text = error.message.lowercased()
        return text.contains("not found") && text.contains("session")
    }

    /// Sends a notification.
    func notify(_ method: String, _ params: JSONValue) throws(PluginError) {
        do {
            try peer.notify(method, params)
        } catch {
            throw PluginError(code: .providerFailed, message: "cannot send \(method) to \(agent): \(error)")
        }
    }

    /// Ends the agent: end of input, then SIGTERM, then SIGKILL, each after `grace`.
    func terminate(grace: Duration) async {
        stopping.withLock { $0 = true }
        await peer.terminate(grace: grace)
    }
}
