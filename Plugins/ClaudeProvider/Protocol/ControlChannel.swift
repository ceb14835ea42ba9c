import AgentProcess
import AgentwsJSON
import AgentwsSystem

/// Claude Code's stdio in stream-json mode: one JSON object per line each way.
///
/// We write user messages and control requests (`{"type": "control_request", "request_id", "request":
/// {"subtype": …}}`), which Claude answers with a `control_response` carrying the same id. Claude
/// writes its messages (`system`, `stream_event`, `assistant`, `user`, `result`) and control requests
/// of its own (`can_use_tool`), which we answer the same way. Everything Claude writes is handled on
/// the connection's reader thread, in order (docs/providers/claude-protocol-notes.md).
final class ControlChannel: Sendable {
    /// Why a control request got no success answer.
    enum Failure: Error, Sendable, CustomStringConvertible {
        /// Claude answered with an error.
        case refused(subtype: String, message: String)
        /// No answer within the limit.
        case timedOut(subtype: String, limit: Duration)
        /// Claude ended before answering.
        case ended(subtype: String, ProcessEnd)
        /// The request could not be written.
        case unwritable(subtype: String, SystemError)

        var description: String {
            switch self {
            case .refused(let subtype, let message): return "claude refused \(subtype): \(message)"
            case .timedOut(let subtype, let limit):
                return "claude did not answer \(subtype) within \(limit.seconds) s (request_timeout_ms)"
            case .ended(let subtype, let end):
                return "\(end.summary) before answering \(subtype)\(end.details)"
            case .unwritable(let subtype, let error): return "cannot send \(subtype) to claude: \(error)"
            }
        }
    }

    /// Our answer to one of Claude's control requests.
    enum Reply: Sendable {
        /// `subtype: success` with this `response`.
        case success(JSONValue)
        /// `subtype: error` with this message.
        case error(String)
    }

    /// Where Claude's output goes; called on the reader thread, in order.
    struct Handlers: Sendable {
        /// A message that is not part of the control protocol.
        var message: @Sendable (JSONValue) -> Void
        /// One of Claude's control requests: its `request` object; the reply is written at once.
        var request: @Sendable (_ request: JSONValue) -> Reply
        /// The process has ended; control requests still waiting have failed already.
        var ended: @Sendable (ProcessEnd) -> Void
    }

    let connection: LineConnection
    private let pending = PendingRequests<String, JSONValue, Failure>()
    private let counter = Locked(0)
    private let requestTimeout: Duration
    private let handlers: Handlers
    private let log: ProcessLog

    private init(
        connection: LineConnection, requestTimeout: Duration, handlers: Handlers, log: @escaping ProcessLog
    ) {
        self.connection = connection
        self.requestTimeout = requestTimeout
        self.handlers = handlers
        self.log = log
    }

    /// Spawns `command` and starts reading it.
    static func launch(
        _ command: ProcessCommand, purpose: String, logPath: String, requestTimeout: Duration,
        log: @escaping ProcessLog, handlers: Handlers
    ) throws(SystemError) -> ControlChannel {
        let connection = try LineConnection.spawn(
            command, name: "claude", purpose: purpose, logPath: logPath, log: log)
        let channel = ControlChannel(
            connection: connection, requestTimeout: requestTimeout, handlers: handlers, log: log)
        try connection.start(
            LineConnection.Handlers(line: { channel.receive($0) }, ended: { channel.ended($0) }))
        return channel
    }

    // MARK: writing

    /// Sends a control request and waits for Claude's answer (its `response` object).
    func request(_ subtype: String, _ fields: [String: JSONValue] = [:]) async throws(Failure) -> JSONValue {
        let id = counter.withLock { counter -> String in
            counter += 1
            return "agentws-\(counter)"
        }
        let limit = requestTimeout
        let result = await withCheckedContinuation { continuation in
            let registered = pending.register(
                id, what: subtype, timeout: limit, timedOut: { .timedOut(subtype: subtype, limit: limit) },
                complete: { continuation.resume(returning: $0) })
            guard registered else { return }
            var request = fields
            request["subtype"] = .string(subtype)
            do throws(SystemError) {
                try connection.write([
                    "type": "control_request", "request_id": .string(id), "request": .object(request),
                ])
            } catch {
                pending.finish(id, .failure(.unwritable(subtype: subtype, error)))
            }
        }
        return try result.get()
    }

    /// Sends a user message: one turn.
    func sendUser(_ text: String) throws(SystemError) {
        try connection.write([
            "type": "user", "message": ["role": "user", "content": .string(text)],
            "parent_tool_use_id": .null,
        ])
    }

    // MARK: reading (on the reader thread)

    private func receive(_ line: [UInt8]) {
        let message: JSONValue
        do {
            message = try JSONParser.parse(bytes: line)
        } catch {
            log(
                .warning,
                "claude (pid \(connection.process.pid)) wrote a line that is not JSON (\(error)): "
                    + LineConnection.excerpt(line))
            return
        }
        switch message["type"]?.stringValue {
        case "control_response":
            let response = message["response"] ?? [:]
            guard let id = response["request_id"]?.stringValue, let subtype = pending.what(id) else {
                log(
                    .warning,
                    "claude answered a control request we never sent: \(LineConnection.excerpt(line))")
                return
            }
            if response["subtype"]?.stringValue == "success" {
                pending.finish(id, .success(response["response"] ?? [:]))
            } else {
                let text = response["error"]?.stringValue ?? JSONWriter.compactString(response)
                pending.finish(id, .failure(.refused(subtype: subtype, message: text)))
            }
        case "control_request":
            guard let id = message["request_id"]?.stringValue else {
                log(.warning, "claude sent a control request without an id: \(LineConnection.excerpt(line))")
                return
            }
            answer(id, handlers.request(message["request"] ?? [:]))
        case "control_cancel_request":
            // Claude gave up on one of its requests; every one is answered at once, so nothing waits.
            break
        default:
            handlers.message(message)
        }
    }

    private func answer(_ id: String, _ reply: Reply) {
        var response: [String: JSONValue] = ["request_id": .string(id)]
        switch reply {
        case .success(let body):
            response["subtype"] = "success"
            response["response"] = body
        case .error(let message):
            response["subtype"] = "error"
            response["error"] = .string(message)
        }
        do {
            try connection.write(["type": "control_response", "response": .object(response)])
        } catch {
            log(.warning, "cannot answer claude's control request \(id): \(error)")
        }
    }

    private func ended(_ end: ProcessEnd) {
        pending.close { subtype in .ended(subtype: subtype, end) }
        handlers.ended(end)
    }
}
