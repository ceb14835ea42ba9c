import AgentwsCore
import AgentwsJSON

/// Turns a send's events into ACP `session/update` payloads for `session/prompt`.
///
/// Reply text becomes `agent_message_chunk`; a provider's tool calls become `tool_call` the first
/// time an id is seen and `tool_call_update` after that. Notices and warnings have no place of
/// their own in ACP; they are shown as `agent_thought_chunk` text with the CLI's `agentws:` prefix,
/// so an editor still shows, say, that a conversation could not be resumed — apart from the reply.
struct SessionUpdates {
    private var seenToolCalls: Set<String> = []

    static let toolStatuses: Set<String> = ["pending", "in_progress", "completed", "failed"]
    static let toolKinds: Set<String> = [
        "read", "edit", "delete", "move", "search", "execute", "think", "fetch", "switch_mode", "other",
    ]

    /// The update for `event`, or nil when ACP has nothing to show for it.
    mutating func update(for event: SessionEvent) -> JSONValue? {
        switch event {
        case .text(let text):
            return [
                "sessionUpdate": "agent_message_chunk", "content": ["type": "text", "text": .string(text)],
            ]
        case .toolCall(let call): return toolCall(call)
        case .notice(let text): return thought("agentws: " + text + "\n")
        case .warning(let text): return thought("agentws: warning: " + text + "\n")
        case .sessionReady, .providerEvent, .turnFinished: return nil
        }
    }

    private func thought(_ text: String) -> JSONValue {
        ["sessionUpdate": "agent_thought_chunk", "content": ["type": "text", "text": .string(text)]]
    }

    /// A provider's tool call (`id`, `title`, `status`, …) as ACP's: only the members ACP defines,
    /// with values it accepts, so that a strict client does not reject the whole update.
    private mutating func toolCall(_ call: JSONValue) -> JSONValue? {
        guard let id = call["id"]?.stringValue ?? call["toolCallId"]?.stringValue, !id.isEmpty else {
            return nil
        }
        let first = seenToolCalls.insert(id).inserted
        var update: [String: JSONValue] = [
            "sessionUpdate": .string(first ? "tool_call" : "tool_call_update"), "toolCallId": .string(id),
        ]
        if let title = call["title"]?.stringValue {
            update["title"] = .string(title)
        } else if first {
            update["title"] = .string(id)
        }
        if let status = call["status"]?.stringValue, Self.toolStatuses.contains(status) {
            update["status"] = .string(status)
        }
        if let kind = call["kind"]?.stringValue, Self.toolKinds.contains(kind) {
            update["kind"] = .string(kind)
        }
        for key in ["rawInput", "rawOutput"] {
            if let value = call[key] { update[key] = value }
        }
        for key in ["content", "locations"] {
            if let value = call[key], value.arrayValue != nil { update[key] = value }
        }
        return .object(update)
    }
}
