import AgentwsJSON
import AgentwsSystem

/// A JSON-RPC 2.0 peer over a child's stdin and stdout, one message per line.
///
/// Both directions work: our requests (each with a time limit, because some agents silently drop
/// methods they do not know) and notifications, and the peer's requests, answered by a handler
/// at once or later with `respond`, and its notifications. Every message the peer writes is handled
/// on the connection's reader thread, in order.
package final class JSONRPCPeer: Sendable {
    /// Which JSON-RPC the peer speaks.
    package enum Dialect: Sendable, Equatable {
        /// JSON-RPC 2.0: every message we write carries `"jsonrpc": "2.0"`.
        case standard
        /// Codex's variant, which leaves out the `"jsonrpc"` member.
        case withoutVersion
    }

    /// How the peer is spoken to.
    package struct Configuration: Sendable {
        package var dialect: Dialect
        /// The time limit of a request that names none.
        package var requestTimeout: Duration
        /// The option that sets `requestTimeout`, named in timeout messages (`request_timeout_ms`).
        package var timeoutSetting: String?
        /// Whether breaking the protocol ends the peer: a line that is not JSON, a message that is
        /// neither request, notification nor answer, or a line over `lineLimit`. The process group
        /// is killed at once and whatever waits for it fails with the reason (`.violation`).
        /// Otherwise such lines are logged and skipped (codex writes the odd one).
        package var strict: Bool
        /// The longest line the peer may write, in bytes.
        package var lineLimit: Int
        /// The option that sets `lineLimit`, named in messages (`max_message_bytes`).
        package var lineLimitSetting: String?

        package init(
            dialect: Dialect, requestTimeout: Duration, timeoutSetting: String? = nil, strict: Bool = false,
            lineLimit: Int = LineSplitter.lineLimit, lineLimitSetting: String? = nil
        ) {
            self.dialect = dialect
            self.requestTimeout = requestTimeout
            self.timeoutSetting = timeoutSetting
            self.strict = strict
            self.lineLimit = lineLimit
            self.lineLimitSetting = lineLimitSetting
        }
    }

    /// The answer to a request the peer sent.
    package enum Reply: Sendable, Equatable {
        case result(JSONValue)
        case error(JSONRPCError)
        /// Answered later, with `respond(to:with:)`. A request never answered stalls the peer's work.
        case later
    }

    /// Where the messages the peer sends on its own go; called on the reader thread, in order.
    package struct Handlers: Sendable {
        /// A notification: its method and params (an empty object when it had none).
        package var notification: @Sendable (_ method: String, _ params: JSONValue) -> Void
        /// A request: its id, method and params (an empty object when it had none).
        package var request: @Sendable (_ id: JSONRPCID, _ method: String, _ params: JSONValue) -> Reply
        /// The process has ended; requests still waiting have failed already.
        package var ended: @Sendable (ProcessEnd) -> Void

        package init(
            notification: @escaping @Sendable (_ method: String, _ params: JSONValue) -> Void,
            request: @escaping @Sendable (_ id: JSONRPCID, _ method: String, _ params: JSONValue) -> Reply,
            ended: @escaping @Sendable (ProcessEnd) -> Void
        ) {
            self.notification = notification
            self.request = request
            self.ended = ended
        }
    }

    private struct State {
        var nextID: Int64 = 0
        /// How a strict peer broke the protocol, once it did.
        var violation: String?
    }

    package let connection: LineConnection
    private let configuration: Configuration
    private let handlers: Handlers
    private let log: ProcessLog
    private let state = Locked(State())
    /// Our requests waiting for an answer, by id; closed when the process ends.
    private let pending = PendingRequests<Int64, JSONValue, JSONRPCFailure>()

    private init(
        connection: LineConnection, configuration: Configuration, handlers: Handlers,
        log: @escaping ProcessLog
    ) {
        self.connection = connection
        self.configuration = configuration
        self.handlers = handlers
        self.log = log
    }

    /// Spawns `command` (see `LineConnection.spawn`) and starts reading it.
    package static func launch(
        _ command: ProcessCommand, name: String, purpose: String, logPath: String,
        configuration: Configuration,
        log: @escaping ProcessLog, handlers: Handlers
    ) throws(SystemError) -> JSONRPCPeer {
        let connection = try LineConnection.spawn(
            command, name: name, purpose: purpose, logPath: logPath, log: log,
            lineLimit: configuration.lineLimit)
        return try start(connection, configuration: configuration, log: log, handlers: handlers)
    }

    /// Starts reading `connection`, a process started already (`LineConnection.connect`).
    package static func start(
        _ connection: LineConnection, configuration: Configuration, log: @escaping ProcessLog,
        handlers: Handlers
    ) throws(SystemError) -> JSONRPCPeer {
        let peer = JSONRPCPeer(
            connection: connection, configuration: configuration, handlers: handlers, log: log)
        // Not strict: the connection logs dropped lines itself when the process ends.
        var overlong: (@Sendable (Int) -> Void)?
        if configuration.strict {
            let setting = configuration.lineLimitSetting
            overlong = { limit in
                peer.skip("wrote a line longer than \(limit) bytes", setting: setting, lenient: "")
            }
        }
        try connection.start(
            LineConnection.Handlers(line: { peer.receive($0) }, ended: { peer.ended($0) }, overlong: overlong)
        )
        return peer
    }

    private var name: String { connection.name }

    // MARK: our requests and notifications

    /// Sends a request and waits for its result, at most `timeout` (the configured limit if nil;
    /// `timeoutSetting` names the option that set `timeout`, for the message).
    package func request(
        _ method: String, _ params: JSONValue? = nil, timeout: Duration? = nil, timeoutSetting: String? = nil
    ) async throws(JSONRPCFailure) -> JSONValue {
        let result = await withCheckedContinuation { continuation in
            send(method, params, timeout: timeout, timeoutSetting: timeoutSetting) {
                continuation.resume(returning: $0)
            }
        }
        return try result.get()
    }

    /// Sends a request; `complete` runs exactly once, with the result or the reason there is none.
    package func send(
        _ method: String, _ params: JSONValue? = nil, timeout: Duration? = nil, timeoutSetting: String? = nil,
        complete: @escaping @Sendable (Result<JSONValue, JSONRPCFailure>) -> Void
    ) {
        let id = state.withLock { state -> Int64 in
            state.nextID += 1
            return state.nextID
        }
        let limit = timeout ?? configuration.requestTimeout
        let setting = timeoutSetting ?? (timeout == nil ? configuration.timeoutSetting : nil)
        let name = name
        let registered = pending.register(
            id, what: method, timeout: limit,
            timedOut: {
                JSONRPCFailure(name: name, method: method, reason: .timedOut(limit, setting: setting))
            },
            complete: complete)
        guard registered else { return }
        var message: [String: JSONValue] = ["id": .integer(id), "method": .string(method)]
        if let params { message["params"] = params }
        do {
            try write(message)
        } catch {
            finish(id, .failure(failure(method, .unwritable(error))))
        }
    }

    /// Sends a notification (no answer expected).
    package func notify(_ method: String, _ params: JSONValue? = nil) throws(SystemError) {
        var message: [String: JSONValue] = ["method": .string(method)]
        if let params { message["params"] = params }
        try write(message)
    }

    /// Answers the peer's request `id` (one its handler answered `.later`).
    package func respond(to id: JSONRPCID, with reply: Reply) {
        var message: [String: JSONValue] = ["id": id.json]
        switch reply {
        case .result(let result): message["result"] = result
        case .error(let error): message["error"] = error.json
        case .later: return
        }
        do {
            try write(message)
        } catch {
            log(.warning, "cannot answer \(name)'s request \(id): \(error)")
        }
    }

    private func failure(_ method: String, _ reason: JSONRPCFailure.Reason) -> JSONRPCFailure {
        JSONRPCFailure(name: name, method: method, reason: reason)
    }

    private func finish(_ id: Int64, _ result: Result<JSONValue, JSONRPCFailure>) {
        pending.finish(id, result)
    }

    private func write(_ message: [String: JSONValue]) throws(SystemError) {
        var message = message
        if configuration.dialect == .standard { message["jsonrpc"] = "2.0" }
        try connection.write(.object(message))
    }

    // MARK: lifetime

    /// Whether the process has ended (and everything it wrote has been handled).
    package var hasEnded: Bool { connection.hasEnded }

    /// Waits until the process has ended; false if `limit` passed first.
    package func waitUntilEnded(atMost limit: Duration) async -> Bool {
        await connection.waitUntilEnded(atMost: limit)
    }

    /// Ends the process (see `LineConnection.terminate`).
    package func terminate(grace: Duration) async {
        await connection.terminate(grace: grace)
    }

    // MARK: reading (on the reader thread)

    private func ended(_ end: ProcessEnd) {
        let reason = state.withLock { Self.endReason(end, violation: $0.violation) }
        let name = name
        pending.close { method in JSONRPCFailure(name: name, method: method, reason: reason) }
        handlers.ended(end)
    }

    private static func endReason(_ end: ProcessEnd, violation: String?) -> JSONRPCFailure.Reason {
        violation.map { .violation($0, end) } ?? .ended(end)
    }

    /// A line that breaks the protocol (`problem`, completing "the agent …"): a strict peer is
    /// ended for it (the first reason is kept and reported to every request that waits); otherwise
    /// `lenient` is logged and the line skipped.
    private func skip(_ problem: String, setting: String? = nil, lenient: @autoclosure () -> String) {
        guard configuration.strict else {
            log(.warning, lenient())
            return
        }
        let text = problem + (setting.map { " (\($0))" } ?? "")
        let first = state.withLock { state -> Bool in
            guard state.violation == nil else { return false }
            state.violation = text
            return true
        }
        guard first else { return }
        log(.error, "\(name) (pid \(connection.process.pid)) \(text); ending it")
        connection.process.signalGroup(SIGKILL)
    }

    /// Takes one line of the peer's output. Incoming messages are read without checking their
    /// `jsonrpc` member, whatever the dialect.
    private func receive(_ line: [UInt8]) {
        let message: JSONValue
        do {
            message = try JSONParser.parse(bytes: line)
        } catch {
            skip(
                "wrote a line that is not JSON (\(error)): \(LineConnection.excerpt(line))",
                lenient: "\(name) (pid \(connection.process.pid)) wrote a line that is not JSON (\(error)): "
                    + LineConnection.excerpt(line))
            return
        }
        let method = message["method"]?.stringValue
        let id = message["id"]
        switch (method, id) {
        case (let method?, let id?):
            guard let id = JSONRPCID(json: id) else {
                skip(
                    "sent a request with an invalid id: \(LineConnection.excerpt(line))",
                    lenient: "\(name) sent a request with an invalid id: \(LineConnection.excerpt(line))")
                return
            }
            respond(to: id, with: handlers.request(id, method, message["params"] ?? [:]))
        case (let method?, nil):
            handlers.notification(method, message["params"] ?? [:])
        case (nil, let id?):
            guard let number = id.integerValue else {
                log(.warning, "\(name) answered an id we never used: \(LineConnection.excerpt(line))")
                return
            }
            if let result = message["result"] {
                finish(number, .success(result))
                return
            }
            let method = pending.what(number) ?? "request \(number)"
            let error = message["error"]
            if let error, let object = JSONRPCError(json: error) {
                finish(number, .failure(failure(method, .error(object))))
            } else {
                let text =
                    error?["message"]?.stringValue
                    ?? (error.map { JSONWriter.compactString($0) } ?? "no result")
                finish(number, .failure(failure(method, .invalidAnswer(text))))
            }
        case (nil, nil):
            skip(
                "wrote a message that is neither request nor answer: \(LineConnection.excerpt(line))",
                lenient: "\(name) wrote a message that is neither request nor answer: "
                    + LineConnection.excerpt(line))
        }
    }
}
