import AgentwsJSON

/// Answers to the control requests Claude sends (started with `--permission-prompt-tool stdio`, it
/// asks over the control protocol before a tool use its permission mode does not allow by itself).
enum Permissions {
    /// The reply to `request` and a notice for the user saying what was answered.
    static func answer(_ request: JSONValue, policy: PermissionPolicy) -> (ControlChannel.Reply, String) {
        let subtype = request["subtype"]?.stringValue ?? "(none)"
        guard subtype == "can_use_tool" else {
            return (
                .error("agentws does not handle \(subtype) requests"),
                "refused claude's \(subtype) request: agentws does not handle it"
            )
        }
        let tool = request["tool_name"]?.stringValue ?? "a tool"
        let input = request["input"] ?? [:]
        let what = description(tool: tool, input: input)
        if policy.allowsRequests {
            return (
                .success(["behavior": "allow", "updatedInput": input]),
                "allowed claude to \(what) (\(policy.modeName) allows every tool use)"
            )
        }
        let reason =
            "agentws cannot ask you during a turn yet, and only runtime mode bypassPermissions allows tool uses "
            + "that need a permission (this thread has \(policy.modeName))"
        return (
            .success(["behavior": "deny", "message": .string("denied by agentws: \(reason)")]),
            "denied claude's request to \(what): \(reason)"
        )
    }

    private static func description(tool: String, input: JSONValue) -> String {
        if tool == "Bash", let command = input["command"]?.stringValue { return "run `\(command)`" }
        if let path = input["file_path"]?.stringValue { return "use \(tool) on \(path)" }
        return "use \(tool)"
    }
}
