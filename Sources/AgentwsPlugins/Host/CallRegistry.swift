import AgentwsJSON
import AgentwsSystem
import CAgentwsProvider
import Logging

/// What a plugin's completion delivered, parsed while its buffer was still valid.
enum CallReply: Sendable, Equatable {
    /// AGENTWS_CALL_OK and the result.
    case success(JSONValue)
    /// AGENTWS_CALL_ERROR and the error object.
    case failure(JSONValue)
    /// Something no method can answer with; the text completes "<method> …".
    case malformed(String)

    /// The reply as a plugin host relays it: `{"ok": result}`, `{"error": object}` or
    /// `{"malformed": text}`.
    var json: JSONValue {
        switch self {
        case .success(let value): return ["ok": value]
        case .failure(let value): return ["error": value]
        case .malformed(let text): return ["malformed": .string(text)]
        }
    }

    /// Reads what `json` wrote; nil for anything else.
    init?(json: JSONValue) {
        if let value = json["ok"] {
            self = .success(value)
        } else if let value = json["error"] {
            self = .failure(value)
        } else if let text = json["malformed"]?.stringValue {
            self = .malformed(text)
        } else {
            return nil
        }
    }
}

/// The calls waiting for their completion, keyed by the number handed to the plugin as
/// `call_context`.
///
/// A number rather than a pointer to the waiting call: a plugin that completes a call twice, or
/// passes garbage, then finds nothing under that number and is logged, instead of touching freed
/// memory. Numbers are never reused.
final class CallRegistry: Sendable {
    static let shared = CallRegistry()

    private struct Waiter: Sendable {
        let complete: @Sendable (CallReply) -> Void
        let caller: Caller
    }

    /// Who made a call: "plugin c-echo (/path) send" and the logger of its provider instance.
    struct Caller: Sendable {
        let label: String
        let logger: Logger
    }

    private struct State: Sendable {
        var nextID: UInt = 1
        var waiting: [UInt: Waiter] = [:]
        /// Recently finished calls, so that a second completion can name its plugin.
        var finished: [UInt: Caller] = [:]
        var finishedOrder: [UInt] = []
        var finishedNext = 0

        mutating func remember(_ id: UInt, caller: Caller) {
            if finishedOrder.count < CallRegistry.rememberedCalls {
                finishedOrder.append(id)
            } else {
                finished.removeValue(forKey: finishedOrder[finishedNext])
                finishedOrder[finishedNext] = id
                finishedNext = (finishedNext + 1) % CallRegistry.rememberedCalls
            }
            finished[id] = caller
        }
    }

    private static let rememberedCalls = 256
    private let state = Locked(State())
    private let logger = Logger(label: "agentws.plugins")

    /// Records a call about to be made and returns its number; `complete` runs once, on the thread
    /// of the plugin's completion.
    func register(caller: Caller, complete: @escaping @Sendable (CallReply) -> Void) -> UInt {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.waiting[id] = Waiter(complete: complete, caller: caller)
            return id
        }
    }

    /// Handles a completion: resumes the waiting call once, logs and ignores anything else.
    func complete(id: UInt, status: Int32, json: UnsafePointer<CChar>?, length: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let waiter = state.waiting.removeValue(forKey: id) else { return nil }
            state.remember(id, caller: waiter.caller)
            return waiter
        }
        guard let waiter else {
            if let caller = state.withLock({ $0.finished[id] }) {
                caller.logger.error("\(caller.label): the plugin completed this call a second time; ignored")
            } else {
                logger.error("a plugin completed call #\(id), which is not waiting for an answer; ignored")
            }
            return
        }
        waiter.complete(Self.decode(status: status, json: json, length: length))
    }

    private static func decode(status: Int32, json: UnsafePointer<CChar>?, length: Int) -> CallReply {
        guard let json, length > 0 else { return .malformed("answered with no JSON") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: UnsafeRawBufferPointer(start: json, count: length))
        } catch {
            return .malformed("answered with invalid JSON (\(error))")
        }
        switch status {
        case Int32(AGENTWS_CALL_OK): return .success(value)
        case Int32(AGENTWS_CALL_ERROR): return .failure(value)
        default: return .malformed("answered with unknown status \(status)")
        }
    }
}
