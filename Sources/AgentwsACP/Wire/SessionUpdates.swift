import AgentwsCore
import AgentwsJSON

/// Turns a send's events into ACP `session/update` payloads for `session/prompt`.
///
/// Reply text becomes `agent_message_chunk`; a provider's tool calls become `tool_call` the first
/// time an id is seen and `tool_call_update` after that. Notices and warnings have no place of
/// their own in ACP; they are shown as `agent_thought_chunk` text with the CLI's `agentws:` prefix,
/// so an editor still shows, say, that a conversation could not be resumed — apart from the reply.
/// A provider's `thought` and `plan` events (the ABI's, which the acp provider plugin maps from its
/// agent's `agent_thought_chunk` and `plan`) go on as the same ACP updates; other provider events
/// have no ACP form and are not sent.
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
        case .providerEvent(let value): return providerUpdate(value)
        case .sessionReady, .turnFinished: return nil
        }
    }

    static let planPriorities: Set<String> = ["high", "medium", "low"]
    static let planStatuses: Set<String> = ["pending", "in_progress", "completed"]

    /// ACP's form of a provider's `thought` or `plan` event; nil for other events or malformed ones
    /// (a plugin's mistake must not make a strict client reject the stream).
    private func providerUpdate(_ event: JSONValue) -> JSONValue? {
        switch event["type"]?.stringValue {
        case "thought":
            guard let text = event["text"]?.stringValue, !text.isEmpty else { return nil }
            return thought(text)
        case "plan":
            guard let entries = event["entries"]?.arrayValue else { return nil }
            var valid: [JSONValue] = []
            for entry in entries {
                guard let content = entry["content"]?.stringValue,
                    let priority = entry["priority"]?.stringValue, Self.planPriorities.contains(priority),
                    let status = entry["status"]?.stringValue, Self.planStatuses.contains(status)
                else { return nil }
                valid.append(
                    ["content": .string(content), "priority": .string(priority), "status": .string(status)])
            }
            return ["sessionUpdate": "plan", "entries": .array(valid)]
        default:
            return nil
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
