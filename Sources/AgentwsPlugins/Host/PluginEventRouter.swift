import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import CAgentwsProvider
import Logging

/// Receives one provider instance's `emit_event` and `log` callbacks and hands each event to the
/// handler of the session it names.
///
/// Handlers run with the router's lock held, so the events of a session arrive in the order the
/// plugin emitted them even while early events are being flushed; a handler must not block.
final class PluginEventRouter: Sendable {
    /// At most this many events are held for sessions whose `start` has not completed yet.
    static let earlyEventLimit = 1024

    private struct State: Sendable {
        var handlers: [String: ProviderEventHandler] = [:]
        /// Events emitted during `start`, before the host knows the session id the plugin chose.
        var early: [String: [ProviderEvent]] = [:]
        var earlyCount = 0
        var startsInFlight = 0
    }

    private let state = Locked(State())
    /// "plugin c-echo (/path)", for the log.
    private let label: String
    private let logger: Logger

    init(label: String, logger: Logger) {
        self.label = label
        self.logger = logger
    }

    /// A `start` call is about to be made: keep events for sessions nobody knows yet.
    func beginStart() {
        state.withLock { $0.startsInFlight += 1 }
    }

    /// A `start` call ended. With a session id, routes its events to `handler` from now on, after
    /// the events it emitted during `start`. Returns false when that session id is already live.
    @discardableResult
    func finishStart(session: String?, handler: ProviderEventHandler?) -> Bool {
        state.withLock { state in
            defer {
                state.startsInFlight -= 1
                if state.startsInFlight == 0 {
                    state.early.removeAll()
                    state.earlyCount = 0
                }
            }
            guard let session, let handler else { return true }
            guard state.handlers[session] == nil else { return false }
            state.handlers[session] = handler
            let early = state.early.removeValue(forKey: session) ?? []
            state.earlyCount -= early.count
            for event in early { handler(event) }
            return true
        }
    }

    /// The session ended; later events for it are dropped.
    func remove(session: String) {
        _ = state.withLock { $0.handlers.removeValue(forKey: session) }
    }

    /// Every live session ended with the plugin (its host died): each handler gets `.ended(reason)`
    /// and later events for those sessions are dropped.
    func endAll(reason: String) {
        state.withLock { state in
            for handler in state.handlers.values { handler(.ended(reason)) }
            state.handlers.removeAll()
        }
    }

    /// `emit_event`: the JSON is only valid during this call.
    func receive(json: UnsafePointer<CChar>?, length: Int) {
        guard let value = parseEvent(json: json, length: length) else { return }
        receive(value)
    }

    /// The event in `json`, or nil (logged) when it is empty or not JSON.
    func parseEvent(json: UnsafePointer<CChar>?, length: Int) -> JSONValue? {
        guard let json, length > 0 else {
            logger.warning("\(label) emitted an empty event; ignored")
            return nil
        }
        do {
            return try JSONParser.parse(bytes: UnsafeRawBufferPointer(start: json, count: length))
        } catch {
            logger.warning("\(label) emitted an event that is not valid JSON (\(error)); ignored")
            return nil
        }
    }

    /// One event, parsed (here, or in the plugin host that relayed it).
    func receive(_ value: JSONValue) {
        guard let session = value["session"]?.stringValue else {
            logger.warning("\(label) emitted an event without a \"session\" string; ignored: \(value)")
            return
        }
        let event = decode(value)
        let outcome = state.withLock { state -> String? in
            if let handler = state.handlers[session] {
                handler(event)
                return nil
            }
            guard state.startsInFlight > 0 else { return "no live session \"\(session)\"" }
            guard state.earlyCount < Self.earlyEventLimit else {
                return "more than \(Self.earlyEventLimit) events before its session started"
            }
            state.early[session, default: []].append(event)
            state.earlyCount += 1
            return nil
        }
        if let outcome { logger.debug("\(label) emitted an event for \(outcome); dropped") }
    }

    /// `log`: one diagnostic line from the plugin.
    func log(level: Int32, message: UnsafePointer<CChar>?, length: Int) {
        let text = message.map {
            String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        log(level: level, text: text ?? "")
    }

    /// One diagnostic line, as text (relayed by a plugin host).
    func log(level: Int32, text: String) {
        let logLevel: Logger.Level
        switch Int(level) {
        case AGENTWS_LOG_DEBUG: logLevel = .debug
        case AGENTWS_LOG_INFO: logLevel = .info
        case AGENTWS_LOG_WARNING: logLevel = .warning
        case AGENTWS_LOG_ERROR: logLevel = .error
        default: logLevel = .info
        }
        logger.log(level: logLevel, "\(text)")
    }

    /// Maps the event types of the method protocol; anything else, or a known type with the wrong
    /// fields, passes through as `.other`.
    private func decode(_ value: JSONValue) -> ProviderEvent {
        let type = value["type"]?.stringValue
        switch type {
        case "text":
            if let text = value["text"]?.stringValue { return .text(text) }
        case "tool_call":
            if let toolCall = value["toolCall"], toolCall.objectValue != nil { return .toolCall(toolCall) }
        case "notice":
            if let text = value["text"]?.stringValue { return .notice(text) }
        case "busy":
            if let busy = value["busy"]?.boolValue { return .busy(busy) }
        default:
            return .other(value)
        }
        logger.warning("\(label) emitted a malformed \(type ?? "") event; passed on as is: \(value)")
        return .other(value)
    }
}
