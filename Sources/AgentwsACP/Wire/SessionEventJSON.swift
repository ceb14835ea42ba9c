import AgentwsCore
import AgentwsJSON

/// A send's events as JSON: what `agentws send --json` prints, one per line, and what
/// `_agentws/event` notifications carry, so that a routed send prints exactly what an in-process one
/// would.
package enum SessionEventJSON {
    package static func encode(_ event: SessionEvent) -> JSONValue {
        switch event {
        case .sessionReady(let thread, let provider, let model, let start):
            return [
                "type": "session", "thread": .string(thread.rawValue), "provider": .string(provider),
                "model": .optional(model), "start": .string(start.rawValue),
            ]
        case .text(let text): return ["type": "text", "text": .string(text)]
        case .toolCall(let call): return ["type": "tool_call", "toolCall": call]
        case .notice(let text): return ["type": "notice", "text": .string(text)]
        case .warning(let text): return ["type": "warning", "text": .string(text)]
        case .providerEvent(let value): return ["type": "provider_event", "event": value]
        case .turnFinished(let reason, let usage):
            var members: [String: JSONValue] = [
                "type": "turn_finished", "stopReason": .string(reason.rawValue),
            ]
            if let usage { members["usage"] = usage.json }
            return .object(members)
        }
    }

    /// The event `value` encodes, or nil for something this build does not know (a newer daemon's
    /// event type, or garbage), which a client skips.
    package static func decode(_ value: JSONValue) -> SessionEvent? {
        switch value["type"]?.stringValue {
        case "session":
            guard let thread = value["thread"]?.stringValue.flatMap({ try? ThreadID($0) }),
                let provider = value["provider"]?.stringValue,
                let start = value["start"]?.stringValue.flatMap(SessionStartKind.init(rawValue:))
            else { return nil }
            return .sessionReady(
                thread: thread, provider: provider, model: value["model"]?.stringValue, start: start)
        case "text": return value["text"]?.stringValue.map(SessionEvent.text)
        case "tool_call": return value["toolCall"].map(SessionEvent.toolCall)
        case "notice": return value["text"]?.stringValue.map(SessionEvent.notice)
        case "warning": return value["text"]?.stringValue.map(SessionEvent.warning)
        case "provider_event": return value["event"].map(SessionEvent.providerEvent)
        case "turn_finished":
            guard let reason = value["stopReason"]?.stringValue.flatMap(StopReason.init(rawValue:)) else {
                return nil
            }
            // Usage is informational: a figure this build cannot read does not lose the turn's end.
            return .turnFinished(reason, usage: value["usage"].flatMap { try? TurnUsage(json: $0) })
        default: return nil
        }
    }
}
