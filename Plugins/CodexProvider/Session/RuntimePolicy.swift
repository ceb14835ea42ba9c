import ProviderKit

/// What a thread's `runtimeMode` means for codex: the sandbox and approval policy its thread is
/// started with, and how the plugin answers codex's approval requests (docs/providers/codex.md).
///
/// agentws cannot put a question to the user in the middle of a turn yet, so the plugin answers
/// approval requests itself: it accepts them only in full-access mode, where the user has already
/// said yes to everything, and declines them otherwise, telling the user what was declined.
struct RuntimePolicy: Sendable, Equatable {
    /// The modes, named after Codex's own approval presets.
    enum Mode: String, Sendable, CaseIterable {
        /// Codex may read; writing or network access needs an approval, which is declined.
        case readOnly = "read-only"
        /// Codex may edit inside the working directory; anything beyond needs an approval, declined.
        case auto
        /// No sandbox and no questions; an approval request that comes anyway is accepted.
        case fullAccess = "full-access"

        /// Codex's sandbox names are accepted as synonyms.
        static func named(_ name: String) -> Mode? {
            switch name {
            case "workspace-write": return .auto
            case "danger-full-access": return .fullAccess
            default: return Mode(rawValue: name)
            }
        }
    }

    /// The mode, or nil when the thread has none.
    var mode: Mode?
    /// `thread/start`'s `sandbox`, or nil to leave it to codex's configuration.
    var sandbox: String?
    /// `thread/start`'s `approvalPolicy`, or nil to leave it to codex's configuration.
    var approvalPolicy: String?

    /// Whether approval requests are accepted (otherwise declined).
    var acceptsApprovals: Bool { mode == .fullAccess }

    /// The mode's name for messages.
    var modeName: String { mode.map { "runtime mode \($0.rawValue)" } ?? "no runtime mode" }

    /// The policy of `runtimeMode` (nil: none), with the instance's `sandbox` and `approval_policy`
    /// options: the sandbox option applies to threads without a mode, the approval option to all.
    init(runtimeMode: String?, options: CodexOptions, instance: String) throws(PluginError) {
        guard let runtimeMode else {
            mode = nil
            sandbox = options.sandbox
            approvalPolicy = options.approvalPolicy
            return
        }
        guard let mode = Mode.named(runtimeMode) else {
            let modes = Mode.allCases.map(\.rawValue).joined(separator: ", ")
            throw PluginError(
                code: .invalidRequest,
                message:
                    "codex has no runtime mode \"\(runtimeMode)\"; the modes are \(modes) (or none, to use "
                    + "the sandbox and approval_policy options of provider \"\(instance)\")")
        }
        self.mode = mode
        switch mode {
        case .readOnly:
            sandbox = "read-only"
            approvalPolicy = options.approvalPolicy ?? "on-request"
        case .auto:
            sandbox = "workspace-write"
            approvalPolicy = options.approvalPolicy ?? "on-request"
        case .fullAccess:
            sandbox = "danger-full-access"
            approvalPolicy = options.approvalPolicy ?? "never"
        }
    }
}
