import AgentProcess
import AgentwsJSON
import ProviderKit

/// A live session: one `codex app-server` process attached to one codex thread.
///
/// One process per session keeps sessions apart (a crash takes one conversation down, not all) and
/// makes stopping a session simply ending its process.
final class CodexSession: LiveSession {
    let id: String
    /// The codex thread id: the conversation, and the cursor.
    let thread: String
    private let connection: JSONRPCPeer
    private let tracker: TurnTracker
    private let stopGrace: Duration

    private init(
        id: String, thread: String, connection: JSONRPCPeer, tracker: TurnTracker, stopGrace: Duration
    ) {
        self.id = id
        self.thread = thread
        self.connection = connection
        self.tracker = tracker
        self.stopGrace = stopGrace
    }

    /// The cursor of this session's conversation.
    var cursor: JSONValue { Self.cursor(thread: thread) }

    static func cursor(thread: String) -> JSONValue { ["threadId": .string(thread)] }

    /// Starts codex and, on it, a new thread (`resume` nil) or the existing thread `resume`.
    static func open(
        id: String, request: StartRequest, resume: String?, policy: RuntimePolicy, plan: LaunchPlan,
        options: CodexOptions, logPath: String, host: PluginHost
    ) async throws(PluginError) -> CodexSession {
        let tracker = TurnTracker(session: id, host: host, policy: policy)
        let (connection, _) = try await connect(
            plan: plan, options: options, logPath: logPath, host: host, handlers: tracker.handlers,
            failing: tracker.markStopping)
        do throws(PluginError) {
            var params: [String: JSONValue] = ["cwd": .string(request.cwd)]
            if let model = request.model { params["model"] = .string(model) }
            if let sandbox = policy.sandbox { params["sandbox"] = .string(sandbox) }
            if let approvalPolicy = policy.approvalPolicy {
                params["approvalPolicy"] = .string(approvalPolicy)
            }
            let thread: String
            if let resume {
                thread = try await resumeThread(resume, params: params, on: connection)
                host.log(.info, "resumed codex thread \(resume) for \(request.thread)")
            } else {
                thread = try await startThread(params: params, on: connection)
                host.log(.info, "started codex thread \(thread) for \(request.thread)")
            }
            tracker.attach(thread: thread)
            return CodexSession(
                id: id, thread: thread, connection: connection, tracker: tracker, stopGrace: options.stopGrace
            )
        } catch {
            tracker.markStopping()
            await connection.terminate(grace: options.stopGrace)
            throw error
        }
    }

    /// Launches `codex app-server` as `plan` says and completes the handshake; returns the connection
    /// and the `CODEX_HOME` codex says it uses. When the handshake fails, `failing` runs and the
    /// process is ended.
    static func connect(
        plan: LaunchPlan, options: CodexOptions, logPath: String, host: PluginHost,
        handlers: JSONRPCPeer.Handlers, failing: () -> Void = {}
    ) async throws(PluginError) -> (connection: JSONRPCPeer, codexHome: String?) {
        let connection: JSONRPCPeer
        do {
            // Codex's JSON-RPC leaves out the "jsonrpc" member (codex-protocol-notes §2).
            connection = try JSONRPCPeer.launch(
                plan.command, name: "codex", purpose: plan.purpose, logPath: logPath,
                configuration: JSONRPCPeer.Configuration(
                    dialect: .withoutVersion, requestTimeout: options.requestTimeout,
                    timeoutSetting: "request_timeout_ms"),
                log: host.processLog, handlers: handlers)
        } catch {
            throw PluginError(code: .providerFailed, message: "cannot start codex: \(error)")
        }
        do throws(PluginError) {
            let home = try await handshake(connection)["codexHome"]?.stringValue
            return (connection, home)
        } catch {
            failing()
            await connection.terminate(grace: options.stopGrace)
            throw error
        }
    }

    /// `initialize` and `initialized`; returns `initialize`'s result.
    private static func handshake(_ connection: JSONRPCPeer) async throws(PluginError) -> JSONValue {
        let clientInfo: JSONValue = [
            "name": "agentws", "title": "agentws", "version": .string(CodexPlugin.version),
        ]
        do {
            let result = try await connection.request(
                "initialize", ["clientInfo": clientInfo, "capabilities": .null])
            try connection.notify("initialized")
            return result
        } catch let failure as JSONRPCFailure {
            throw PluginError(code: .providerFailed, message: failure.description)
        } catch {
            throw PluginError(code: .providerFailed, message: "cannot send initialized to codex: \(error)")
        }
    }

    private static func startThread(params: [String: JSONValue], on connection: JSONRPCPeer)
        async throws(PluginError) -> String
    {
        let result: JSONValue
        do {
            result = try await connection.request("thread/start", .object(params))
        } catch {
            throw PluginError(code: .providerFailed, message: error.description)
        }
        guard let thread = result["thread"]?["id"]?.stringValue, !thread.isEmpty else {
            throw PluginError(
                code: .providerFailed,
                message:
                    "codex answered thread/start without a thread id: \(JSONWriter.compactString(result))")
        }
        return thread
    }

    /// `thread/resume` with `excludeTurns` (the history stays with codex; the answer stays small).
    /// An answer saying codex has no such thread is `resume-failed`; nothing here ever falls back to
    /// a new thread.
    private static func resumeThread(
        _ thread: String, params: [String: JSONValue], on connection: JSONRPCPeer
    ) async throws(PluginError) -> String {
        var params = params
        params["threadId"] = .string(thread)
        params["excludeTurns"] = true
        let result: JSONValue
        do {
            result = try await connection.request("thread/resume", .object(params))
        } catch {
            if let message = error.errorObject?.message, isMissingThread(message) {
                // Codex's own words name the thread; the host puts the instance name in front.
                throw PluginError(
                    code: .resumeFailed,
                    message: message.contains(thread) ? message : "\(message) (thread id \(thread))")
            }
            throw PluginError(code: .providerFailed, message: error.description)
        }
        guard let resumed = result["thread"]?["id"]?.stringValue, resumed == thread else {
            throw PluginError(
                code: .resumeFailed,
                message: "codex answered the resume of thread \(thread) with another thread: "
                    + JSONWriter.compactString(result["thread"]?["id"] ?? .null))
        }
        return resumed
    }

    /// Codex's words for a thread it does not have: `no rollout found for thread id …` (never seen or
    /// deleted), `invalid session id: …` (not a thread id at all), `thread not found: …`.
    static func isMissingThread(_ message: String) -> Bool {
        let text = message.lowercased()
        return text.contains("no rollout found") || text.contains("invalid session id")
            || text.contains("invalid thread id") || text.contains("not found")
    }

    // MARK: turns

    /// Runs one turn: `turn/start`, then the events up to `turn/completed`.
    func send(_ request: SendRequest) async throws(PluginError) -> SendResult {
        try tracker.begin()
        var params: [String: JSONValue] = [
            "threadId": .string(thread),
            "input": [["type": "text", "text": .string(request.text), "text_elements": []]],
        ]
        // Codex keeps a per-turn model for the turns after it too, and records it in the thread.
        if let model = request.model { params["model"] = .string(model) }
        let answer: JSONValue
        do {
            answer = try await connection.request("turn/start", .object(params))
        } catch {
            tracker.abandon()
            throw PluginError(code: .providerFailed, message: error.description)
        }
        if let turn = answer["turn"]?["id"]?.stringValue, tracker.started(turn: turn) {
            // An interrupt asked for before the turn had an id. If it fails the turn just goes on,
            // as if it had come a moment too late; the user can interrupt again.
            try? await sendInterrupt(turn: turn)
        }
        return SendResult(stopReason: try await tracker.outcome().get())
    }

    /// Interrupts the running turn, if there is one; its `send` then ends as cancelled.
    func interrupt() async throws(PluginError) {
        guard case .send(_, let turn) = tracker.requestInterrupt() else { return }
        try await sendInterrupt(turn: turn)
    }

    private func sendInterrupt(turn: String) async throws(PluginError) {
        do {
            _ = try await connection.request(
                "turn/interrupt", ["threadId": .string(thread), "turnId": .string(turn)])
        } catch {
            // A turn that ended meanwhile needs no interrupt.
            guard tracker.isRunning(turn: turn) else { return }
            throw PluginError(code: .providerFailed, message: "cannot interrupt turn \(turn): \(error)")
        }
    }

    /// Whether a turn is running.
    var isBusy: Bool { tracker.isBusy }

    /// Ends the process; a running turn ends as cancelled. The thread stays resumable: codex writes
    /// its rollout as the turn goes.
    func stop() async {
        tracker.markStopping()
        await connection.terminate(grace: stopGrace)
    }
}
