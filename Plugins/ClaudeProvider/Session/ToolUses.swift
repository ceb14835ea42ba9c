import AgentwsJSON

/// Claude's `tool_use` and `tool_result` content blocks as agentws `tool_call` events.
///
/// The shape follows ACP's tool calls, which agentws passes on: `id`, `title`, `kind`, `status`
/// (`in_progress`, `completed`, `failed`), `rawInput` (the tool's input as Claude gave it), and for
/// a result its `output` (the end of it).
enum ToolUses {
    /// What a tool use is called in events: its title and ACP kind.
    struct Label: Sendable, Equatable {
        var title: String
        var kind: String
    }

    /// The event for a `tool_use` block, with the label it was given (kept for its result).
    static func started(_ block: JSONValue) -> (id: String, label: Label, event: JSONValue)? {
        guard let id = block["id"]?.stringValue else { return nil }
        let name = block["name"]?.stringValue ?? "tool"
        let input = block["input"] ?? [:]
        let label = label(name: name, input: input)
        let event: JSONValue = [
            "id": .string(id), "title": .string(label.title), "kind": .string(label.kind),
            "status": "in_progress", "toolName": .string(name), "rawInput": input,
        ]
        return (id, label, event)
    }

    /// The event for a `tool_result` block of a tool use labelled `label`.
    static func finished(_ block: JSONValue, label: Label?) -> JSONValue? {
        guard let id = block["tool_use_id"]?.stringValue else { return nil }
        var event: [String: JSONValue] = [
            "id": .string(id),
            "status": block["is_error"]?.boolValue == true ? "failed" : "completed",
            "output": .string(clipped(text(of: block["content"] ?? .null))),
        ]
        if let label {
            event["title"] = .string(label.title)
            event["kind"] = .string(label.kind)
        }
        return .object(event)
    }

    private static func label(name: String, input: JSONValue) -> Label {
        func field(_ key: String) -> String? { input[key]?.stringValue }
        switch name {
        case "Bash": return Label(title: field("command") ?? "command", kind: "execute")
        case "Edit", "MultiEdit", "Write", "NotebookEdit":
            return Label(
                title: "edit \(field("file_path") ?? field("notebook_path") ?? "a file")", kind: "edit")
        case "Read": return Label(title: "read \(field("file_path") ?? "a file")", kind: "read")
        case "Glob", "Grep":
            return Label(title: "\(name.lowercased()) \(field("pattern") ?? "")", kind: "search")
        case "WebFetch": return Label(title: "fetch \(field("url") ?? "")", kind: "fetch")
        case "WebSearch": return Label(title: "web search: \(field("query") ?? "")", kind: "fetch")
        default: return Label(title: name, kind: "other")
        }
    }

    /// A result's content: a string, or text blocks.
    private static func text(of content: JSONValue) -> String {
        if let text = content.stringValue { return text }
        guard let blocks = content.arrayValue else {
            return content.isNull ? "" : JSONWriter.compactString(content)
        }
        return blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }

    /// Tool output can be large; an event carries its end, which is where errors are.
    private static func clipped(_ text: String) -> String {
        let limit = 4_000
        guard text.utf8.count > limit else { return text }
        return "…" + String(decoding: text.utf8.suffix(limit), as: UTF8.self)
    }
}
