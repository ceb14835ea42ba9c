import AgentwsJSON

/// Codex's tool items (`item/started`, `item/completed`) as agentws `tool_call` events.
///
/// The shape follows ACP's tool calls, which agentws passes on: `id`, `title`, `kind`, `status`
/// (`in_progress`, `completed`, `failed`), plus what codex reported. Items that are not tool work
/// (messages, reasoning, plans) give nothing.
enum ToolCalls {
    /// The event for `item` (from `item/completed` when `finished`, else `item/started`), or nil
    /// when it is not a tool call.
    static func event(for item: JSONValue, finished: Bool) -> JSONValue? {
        guard let type = item["type"]?.stringValue, let id = item["id"]?.stringValue else { return nil }
        var call: [String: JSONValue] = ["id": .string(id), "status": status(of: item, finished: finished)]
        switch type {
        case "commandExecution":
            let command = item["command"]?.stringValue ?? "command"
            call["title"] = .string(command)
            call["kind"] = "execute"
            call["rawInput"] = ["command": .string(command), "cwd": item["cwd"] ?? .null]
            if let code = item["exitCode"], !code.isNull { call["exitCode"] = code }
            if let output = item["aggregatedOutput"]?.stringValue {
                call["output"] = .string(clipped(output))
            }
        case "fileChange":
            let paths = changedPaths(item)
            call["title"] = .string(paths.isEmpty ? "edit files" : "edit " + paths.joined(separator: ", "))
            call["kind"] = "edit"
            call["locations"] = .array(paths.map { ["path": .string($0)] })
        case "mcpToolCall":
            let server = item["server"]?.stringValue ?? "mcp"
            let tool = item["tool"]?.stringValue ?? "tool"
            call["title"] = .string("\(server)/\(tool)")
            call["kind"] = "other"
            call["rawInput"] = item["arguments"] ?? .null
        case "dynamicToolCall":
            call["title"] = .string(item["tool"]?.stringValue ?? "tool")
            call["kind"] = "other"
        case "webSearch":
            let query = item["query"]?.stringValue ?? ""
            call["title"] = .string(query.isEmpty ? "web search" : "web search: \(query)")
            call["kind"] = "fetch"
        default:
            return nil
        }
        call["codexStatus"] = item["status"] ?? .null
        return .object(call)
    }

    /// The paths a `fileChange` item touches.
    static func changedPaths(_ item: JSONValue) -> [String] {
        (item["changes"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
    }

    /// Codex's item status in ACP's words; a declined command or edit did not happen, so it failed.
    private static func status(of item: JSONValue, finished: Bool) -> JSONValue {
        switch item["status"]?.stringValue {
        case "completed": return "completed"
        case "failed", "declined": return "failed"
        case "inProgress": return "in_progress"
        default: return finished ? "completed" : "in_progress"
        }
    }

    /// Command output can be large; an event carries its end, which is where errors are.
    private static func clipped(_ text: String) -> String {
        let limit = 4_000
        guard text.utf8.count > limit else { return text }
        return "…" + String(decoding: text.utf8.suffix(limit), as: UTF8.self)
    }
}
