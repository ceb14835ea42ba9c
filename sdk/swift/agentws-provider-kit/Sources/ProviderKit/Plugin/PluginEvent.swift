import AgentwsJSON

/// Something a session reports to the host while it is live.
public enum PluginEvent: Sendable, Equatable {
    /// A piece of the agent's reply; the pieces of a turn concatenate to the whole reply.
    case text(String)
    /// A tool call or its update: an object with `id`, `title`, `status` and anything else useful.
    case toolCall(JSONValue)
    /// A message for the user that is not part of the reply.
    case notice(String)
    /// Background work started (`true`) or finished (`false`).
    case busy(Bool)
    /// A piece of the agent's reasoning, shown apart from the reply.
    case thought(String)
    /// The agent's plan for the turn: its entries (ACP's `content`, `priority`, `status`), whole.
    case plan(JSONValue)
}

extension PluginEvent {
    /// The event's wire form for `emit_event`.
    func json(session: String) -> JSONValue {
        switch self {
        case .text(let text): return ["session": .string(session), "type": "text", "text": .string(text)]
        case .toolCall(let call): return ["session": .string(session), "type": "tool_call", "toolCall": call]
        case .notice(let text): return ["session": .string(session), "type": "notice", "text": .string(text)]
        case .busy(let busy): return ["session": .string(session), "type": "busy", "busy": .bool(busy)]
        case .thought(let text):
            return ["session": .string(session), "type": "thought", "text": .string(text)]
        case .plan(let entries): return ["session": .string(session), "type": "plan", "entries": entries]
        }
    }
}
