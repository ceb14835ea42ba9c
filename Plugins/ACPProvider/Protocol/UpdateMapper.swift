import AgentwsJSON
import ProviderKit

/// Turns an agent's `session/update` notifications into agentws events.
///
/// - `agent_message_chunk` → reply text (non-text content is named in brackets: `[image]`);
/// - `agent_thought_chunk` → a `thought` event;
/// - `tool_call` / `tool_call_update` → `tool_call` events in ACP's own shape (`id` added), each
///   carrying everything known about the call so far, since an update only holds what changed;
/// - `plan` → a `plan` event with the agent's entries;
/// - `config_option_update` → the session's model option is refreshed (no event);
/// - `user_message_chunk` (the agent echoing the prompt) and the agent's bookkeeping
///   (`available_commands_update`, `current_mode_update`, `session_info_update`, `usage_update`)
///   → nothing.
struct UpdateMapper {
    /// What one update means for the session.
    struct Outcome: Equatable {
        var events: [PluginEvent] = []
        /// The session's config options, when the update replaced them.
        var configOptions: JSONValue?
    }

    /// Every tool call of the session by id, as merged so far.
    private var toolCalls: [String: [String: JSONValue]] = [:]

    /// The meaning of `update` (the `update` member of `session/update`'s params).
    mutating func map(_ update: JSONValue) -> Outcome {
        switch update["sessionUpdate"]?.stringValue {
        case "agent_message_chunk":
            return Outcome(events: Self.text(update["content"]).map { [.text($0)] } ?? [])
        case "agent_thought_chunk":
            return Outcome(events: Self.text(update["content"]).map { [.thought($0)] } ?? [])
        case "tool_call", "tool_call_update":
            return Outcome(events: toolCall(update).map { [.toolCall($0)] } ?? [])
        case "plan":
            return Outcome(events: [.plan(update["entries"] ?? [])])
        case "config_option_update":
            return Outcome(configOptions: update["configOptions"])
        default:
            return Outcome()
        }
    }

    /// The text of a content block; other blocks are named, so that the reply shows something was
    /// there.
    static func text(_ content: JSONValue?) -> String? {
        guard let content else { return nil }
        switch content["type"]?.stringValue {
        case "text": return content["text"]?.stringValue
        case "resource_link":
            return "[\(content["name"]?.stringValue ?? content["uri"]?.stringValue ?? "resource")]"
        case .some(let type): return "[\(type)]"
        case nil: return nil
        }
    }

    private mutating func toolCall(_ update: JSONValue) -> JSONValue? {
        guard let id = update["toolCallId"]?.stringValue, !id.isEmpty,
            var members = update.objectValue
        else { return nil }
        members["sessionUpdate"] = nil
        var merged = toolCalls[id] ?? [:]
        for (key, value) in members { merged[key] = value }
        merged["id"] = .string(id)
        toolCalls[id] = merged
        return .object(merged)
    }
}
