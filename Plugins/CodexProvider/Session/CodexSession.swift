import AgentPluginSupport
import AgentProcess
import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// A live session: one codex thread on a `codex app-server` process, which it shares with the
/// instance's other sessions (`process: shared`) or has to itself (`per-session`).
///
/// A shared process serves every session's thread over one connection; a session stops by
/// interrupting its running turn and unsubscribing from its thread, which leaves the others alone.
/// A per-session process keeps sessions apart (a crash takes one conversation down, not all) and
/// stopping is ending the process.
final class CodexSession: LiveSession {
    /// The process a session is on, and the tracker of its thread there.
    private struct Link {
        var connection: CodexConnection
        var tracker: TurnTracker
        /// The model the thread was last given, for a resume on a new process.
        var model: String?
    }

    let id: String
    /// The codex thread id: the conversation, and the cursor.
    let thread: String
    private let cwd: String
    private let policy: RuntimePolicy
    private let servers: AppServers
    private let host: PluginHost
    private let link: Locked<Link>

    private init(
        id: String, thread: String, cwd: String, policy: RuntimePolicy, servers: AppServers, host: PluginHost,
        link: Link
    ) {
        self.id = id
        self.thread = thread
        self.cwd = cwd
        self.policy = policy
        self.servers = servers
        self.host = host
        self.link = Locked(link)
    }

    /// The cursor of this session's conversation.
    var cursor: JSONValue { Self.cursor(thread: thread) }

    static func cursor(thread: String) -> JSONValue { ["threadId": .string(thread)] }

    /// Starts a new thread (`resume` nil) or resumes the existing thread `resume`, on a process
    /// from `servers`.
    static func open(
        id: String, request: StartRequest, resume: String?, policy: RuntimePolicy, servers: AppServers,
        host: PluginHost
    ) async throws(PluginError) -> CodexSession {
        let connection = try await servers.acquire(cwd: request.cwd, purpose: "thread \(request.thread)")
        let tracker = TurnTracker(session: id, host: host, policy: policy)
        do throws(PluginError) {
            let params = threadParams(cwd: request.cwd, model: request.model, policy: policy)
            let thread: String
            if let resume {
                thread = try await resumeThread(resume, params: params, on: connection.peer)
                host.log(
                    .info,
                    "resumed codex thread \(resume) for \(request.thread) on codex (pid \(connection.pid))")
            } else {
                thread = try await startThread(params: params, on: connection.peer)
                host.log(
                    .info,
                    "started codex thread \(thread) for \(request.thread) on codex (pid \(connection.pid))")
            }
            connection.attach(tracker, thread: thread)
            return CodexSession(
                id: id, thread: thread, cwd: request.cwd, policy: policy, servers: servers, host: host,
                link: Link(connection: connection, tracker: tracker, model: request.model))
        } catch {
            tracker.markStopping()
            await servers.release(connection)
            throw error
        }
    }

    /// `thread/start`'s and `thread/resume`'s settings of a thread: its cwd, model and runtime mode.
    private static func threadParams(cwd: String, model: String?, policy: RuntimePolicy) -> [String:
        JSONValue]
    {
        var params: [String: JSONValue] = ["cwd": .string(cwd)]
        if let model { params["model"] = .string(model) }
        if let sandbox = policy.sandbox { params["sandbox"] = .string(sandbox) }
        if let approvalPolicy = policy.approvalPolicy { params["approvalPolicy"] = .string(approvalPolicy) }
        return params
    }

    /// Launches `codex app-server` as `plan` says and completes the handshake; returns the connection
    /// and the `CODEX_HOME` codex says it uses. When the handshake fails, the process is ended.
    static func connect(
        plan: LaunchPlan, options: CodexOptions, logPath: String, host: PluginHost,
        handlers: JSONRPCPeer.Handlers
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
    func send(_ request: PluginTurnRequest) async throws(PluginError) -> PluginTurnResult {
        try await send(request, retried: false)
    }

    private func send(_ request: PluginTurnRequest, retried: Bool) async throws(PluginError)
        -> PluginTurnResult
    {
        let (connection, tracker) = try await linkForTurn()
        try tracker.begin()
        var params: [String: JSONValue] = [
            "threadId": .string(thread),
            "input": [["type": "text", "text": .string(request.text), "text_elements": []]],
        ]
        // The thread's cwd, sandbox and approval policy are not repeated: codex keeps each thread's
        // own from its `thread/start` or `thread/resume`, also on a process that serves many threads
        // (codex-protocol-notes §17), and a turn that names any of them again costs codex about
        // 1.4 ms more to start (docs/performance.md, row 10).
        // Codex keeps a per-turn model for the turns after it too, and records it in the thread.
        if let model = request.model {
            params["model"] = .string(model)
            link.withLock { $0.model = model }
        }
        let answer: JSONValue
        do {
            answer = try await connection.peer.request("turn/start", .object(params))
        } catch {
            tracker.abandon()
            // The shared process died a moment before this turn, before its end had reached this
            // session: the turn never started, so it goes to a new process like any turn after a
            // death (once; a process that dies again fails the turn).
            if !retried, servers.isShared, case .ended(let end) = error.reason {
                connection.noteEnd(end)
                return try await send(request, retried: true)
            }
            throw PluginError(code: .providerFailed, message: error.description)
        }
        if let turn = answer["turn"]?["id"]?.stringValue, tracker.started(turn: turn) {
            // An interrupt asked for before the turn had an id. If it fails the turn just goes on,
            // as if it had come a moment too late; the user can interrupt again.
            try? await sendInterrupt(turn: turn, on: connection, tracker: tracker)
        }
        return try await tracker.outcome().get()
    }

    /// The process and tracker for the next turn. A shared process that ended since the last turn
    /// is replaced here: the thread is resumed on a new one (started for the first session that
    /// needs it), and the user is told why.
    private func linkForTurn() async throws(PluginError) -> (CodexConnection, TurnTracker) {
        let current = link.withLock { $0 }
        // The connection learns of the end before it tells each tracker in turn.
        guard let end = current.tracker.processEnd ?? current.connection.end, servers.isShared else {
            return (current.connection, current.tracker)
        }
        let connection = try await servers.acquire(cwd: cwd, purpose: "thread \(thread)")
        let tracker = TurnTracker(session: id, host: host, policy: policy)
        do throws(PluginError) {
            let params = Self.threadParams(cwd: cwd, model: current.model, policy: policy)
            _ = try await Self.resumeThread(thread, params: params, on: connection.peer)
        } catch {
            await servers.release(connection)
            throw PluginError(
                code: error.code,
                message: "\(end.summary) since the last turn, and resuming thread \(thread) on a new codex "
                    + "failed: \(error.message)")
        }
        connection.attach(tracker, thread: thread)
        link.withLock { $0 = Link(connection: connection, tracker: tracker, model: current.model) }
        host.log(
            .info, "resumed codex thread \(thread) on codex (pid \(connection.pid)) after \(end.summary)")
        host.emit(
            .notice(
                "\(end.summary) since the last turn; the conversation was resumed on a new codex process"),
            session: id)
        return (connection, tracker)
    }

    /// Interrupts the running turn, if there is one; its `send` then ends as cancelled.
    func interrupt() async throws(PluginError) {
        let (connection, tracker) = link.withLock { ($0.connection, $0.tracker) }
        guard case .send(_, let turn) = tracker.requestInterrupt() else { return }
        try await sendInterrupt(turn: turn, on: connection, tracker: tracker)
    }

    private func sendInterrupt(turn: String, on connection: CodexConnection, tracker: TurnTracker)
        async throws(PluginError)
    {
        do {
            _ = try await connection.peer.request(
                "turn/interrupt", ["threadId": .string(thread), "turnId": .string(turn)])
        } catch {
            // A turn that ended meanwhile needs no interrupt.
            guard tracker.isRunning(turn: turn) else { return }
            throw PluginError(code: .providerFailed, message: "cannot interrupt turn \(turn): \(error)")
        }
    }

    /// Whether a turn is running.
    var isBusy: Bool { link.withLock { $0.tracker.isBusy } }

    /// Ends the session; a running turn ends as cancelled. The thread stays resumable: codex writes
    /// its rollout as the turn goes.
    ///
    /// On a shared process: `turn/interrupt` for a running turn, then `thread/unsubscribe`, so
    /// codex sends nothing more about the thread; the process goes on serving the other sessions.
    /// On its own process: the process is ended (codex records a running turn as interrupted).
    func stop() async {
        let (connection, tracker) = link.withLock { ($0.connection, $0.tracker) }
        tracker.markStopping()
        if servers.isShared, connection.end == nil {
            if case .send(_, let turn) = tracker.requestInterrupt() {
                do throws(PluginError) {
                    try await sendInterrupt(turn: turn, on: connection, tracker: tracker)
                } catch {
                    host.log(.warning, "stopping thread \(thread): \(error.message)")
                }
            }
            tracker.cancelForStop()
            do {
                _ = try await connection.peer.request("thread/unsubscribe", ["threadId": .string(thread)])
            } catch {
                host.log(.warning, "stopping thread \(thread): \(error)")
            }
        }
        connection.detach(thread: thread)
        await servers.release(connection)
        tracker.cancelForStop()
    }
}
