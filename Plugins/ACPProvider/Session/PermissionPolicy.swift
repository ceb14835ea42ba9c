import AgentwsJSON
import ProviderKit

/// How a thread's `runtimeMode` answers the agent's `session/request_permission` requests
/// (docs/providers/acp.md, "Permissions").
///
/// agentws cannot put a question to the user in the middle of a turn, so the mode decides, by the
/// tool call's `kind` (ACP's: read, edit, delete, move, search, execute, think, fetch, switch_mode,
/// other). Every answer is told to the user as a notice. An allowed call is allowed once, never
/// "always": the agent must ask again next time, so a later mode change is never undermined by a
/// decision the agent stored.
struct PermissionPolicy: Sendable, Equatable {
    enum Mode: String, Sendable, CaseIterable {
        /// Looking only: reads, searches and thinking are allowed.
        case readOnly = "read-only"
        /// Working in the session's directory: also fetches, and edits whose every location is
        /// inside the session's working directory.
        case auto
        /// Everything is allowed.
        case fullAccess = "full-access"
    }

    /// The mode, or nil when the thread has none: then every request is declined.
    var mode: Mode?
    /// The session's absolute working directory, for `auto`'s edits.
    var cwd: String

    init(runtimeMode: String?, cwd: String) throws(PluginError) {
        self.cwd = cwd
        guard let runtimeMode else {
            mode = nil
            return
        }
        guard let mode = Mode(rawValue: runtimeMode) else {
            throw PluginError(
                code: .invalidRequest,
                message: "acp has no runtime mode \"\(runtimeMode)\"; the modes are "
                    + Mode.allCases.map(\.rawValue).joined(separator: ", ")
                    + " (or none, which declines every permission request)")
        }
        self.mode = mode
    }

    private var modeName: String { mode.map { "runtime mode \($0.rawValue)" } ?? "no runtime mode" }

    /// Whether the mode allows a tool call of `kind` touching `paths`.
    func allows(kind: String, paths: [String]) -> Bool {
        switch mode {
        case nil: return false
        case .readOnly: return ["read", "search", "think"].contains(kind)
        case .auto:
            if ["read", "search", "think", "fetch"].contains(kind) { return true }
            return kind == "edit" && !paths.isEmpty && paths.allSatisfy(isInsideCwd)
        case .fullAccess: return true
        }
    }

    private func isInsideCwd(_ path: String) -> Bool {
        guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else { return false }
        let root = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path == cwd || path.hasPrefix(root)
    }

    /// The answer to a `session/request_permission` with `params`, and the notice telling the user.
    func answer(_ params: JSONValue, agent: String) -> (result: JSONValue, notice: String) {
        let call = params["toolCall"] ?? [:]
        let kind = call["kind"]?.stringValue ?? "other"
        let paths = (call["locations"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
        let title = call["title"]?.stringValue ?? call["toolCallId"]?.stringValue ?? "a tool call"
        let options = params["options"]?.arrayValue ?? []
        func option(_ kinds: [String]) -> String? {
            for wanted in kinds {
                if let found = options.first(where: { $0["kind"]?.stringValue == wanted }),
                    let id = found["optionId"]?.stringValue
                {
                    return id
                }
            }
            return nil
        }
        let what = "\(agent) asked to run \"\(title)\" (\(kind))"
        if allows(kind: kind, paths: paths), let allow = option(["allow_once", "allow_always"]) {
            return (
                ["outcome": ["outcome": "selected", "optionId": .string(allow)]],
                "allowed once: \(what); \(modeName) allows it"
            )
        }
        var why = "agentws cannot ask you during a turn, and \(modeName) does not allow \(kind) tool calls"
        if mode == .auto && kind == "edit" {
            why =
                "agentws cannot ask you during a turn, and runtime mode auto allows an edit only when every "
                + "location the agent names is inside \(cwd)"
        } else if mode == .fullAccess {
            why = "the agent offered no option to allow it"
        }
        guard let reject = option(["reject_once", "reject_always"]) else {
            return (["outcome": ["outcome": "cancelled"]], "declined: \(what); \(why)")
        }
        return (
            ["outcome": ["outcome": "selected", "optionId": .string(reject)]], "declined: \(what); \(why)"
        )
    }
}
