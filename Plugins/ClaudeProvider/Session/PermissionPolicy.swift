import ProviderKit

/// What a thread's `runtimeMode` means for Claude Code: the `--permission-mode` its process is
/// started with, and how the plugin answers the permission requests Claude sends over the control
/// protocol (docs/providers/claude.md).
///
/// agentws cannot put a question to the user in the middle of a turn yet, so the plugin answers each
/// request itself: it allows it only in `bypassPermissions`, where the user has already said yes to
/// everything, and denies it otherwise, telling the user what was denied.
struct PermissionPolicy: Sendable, Equatable {
    /// Claude Code's permission modes.
    static let modes = ["default", "acceptEdits", "plan", "bypassPermissions"]

    /// The mode Claude is started with, or nil to leave it to Claude's settings.
    var mode: String?
    /// Whether the mode comes from the thread's runtime mode (else from the instance's option).
    var fromRuntimeMode: Bool

    /// Whether permission requests are allowed (otherwise denied).
    var allowsRequests: Bool { mode == "bypassPermissions" }

    /// The mode's name for messages.
    var modeName: String {
        guard let mode else { return "no permission mode" }
        return fromRuntimeMode ? "runtime mode \(mode)" : "permission mode \(mode) (option permission_mode)"
    }

    /// The policy of `runtimeMode` (nil: none), falling back to the instance's `permission_mode`.
    init(runtimeMode: String?, options: ClaudeOptions, instance: String) throws(PluginError) {
        guard let runtimeMode else {
            mode = options.permissionMode
            fromRuntimeMode = false
            return
        }
        guard Self.modes.contains(runtimeMode) else {
            throw PluginError(
                code: .invalidRequest,
                message:
                    "claude has no runtime mode \"\(runtimeMode)\"; the modes are "
                    + "\(Self.modes.joined(separator: ", ")) (or none, to use the permission_mode option "
                    + "of provider \"\(instance)\")")
        }
        mode = runtimeMode
        fromRuntimeMode = true
    }
}
