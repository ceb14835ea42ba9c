import AgentProcess
import AgentwsJSON

/// Answers the requests codex sends in the middle of a turn. Every request is answered at once —
/// a request left open stalls the turn for good — and each answer is told to the user as a notice.
enum Approvals {
    /// The answer to codex's request `method` and the notice describing it. `editedPaths` are the
    /// paths of the file-change item the request is about, which the request itself leaves out.
    static func answer(method: String, params: JSONValue, policy: RuntimePolicy, editedPaths: [String])
        -> (reply: JSONRPCPeer.Reply, notice: String)
    {
        let action: String
        let legacy: Bool
        switch method {
        case "item/commandExecution/requestApproval":
            action = runAction(params["command"]?.stringValue, cwd: params["cwd"]?.stringValue)
            legacy = false
        case "item/fileChange/requestApproval":
            action = editAction(editedPaths)
            legacy = false
        // The pre-v2 forms, in codex's schema but not sent by 0.163.0 on the thread/turn API.
        case "execCommandApproval":
            let words = params["command"]?.arrayValue?.compactMap(\.stringValue)
            action = runAction(words?.joined(separator: " "), cwd: params["cwd"]?.stringValue)
            legacy = true
        case "applyPatchApproval":
            action = editAction((params["fileChanges"]?.objectValue?.keys).map { $0.sorted() } ?? [])
            legacy = true
        default:
            return (
                .error(
                    JSONRPCError(
                        code: JSONRPCError.Code.methodNotFound, message: "agentws cannot answer \(method)")),
                "codex asked for \(method), which agentws cannot answer yet; it was refused"
            )
        }
        let reason = params["reason"]?.stringValue.map { " (codex's reason: \($0))" } ?? ""
        if policy.acceptsApprovals {
            let decision: JSONValue = legacy ? "approved" : "accept"
            return (
                .result(["decision": decision]),
                "approved codex's request to \(action)\(reason): \(policy.modeName) approves every request"
            )
        }
        let why =
            "agentws cannot ask you during a turn yet, and only runtime mode full-access approves "
            + "requests (this thread has \(policy.modeName))"
        let decision: JSONValue =
            legacy ? ["denied": ["rejection": .string("declined by agentws: \(why)")]] : "decline"
        return (.result(["decision": decision]), "declined codex's request to \(action)\(reason): \(why)")
    }

    private static func runAction(_ command: String?, cwd: String?) -> String {
        let place = cwd.map { " in \($0)" } ?? ""
        return "run `\(command ?? "a command")`\(place)"
    }

    private static func editAction(_ paths: [String]) -> String {
        paths.isEmpty ? "change files" : "change \(paths.joined(separator: ", "))"
    }
}
