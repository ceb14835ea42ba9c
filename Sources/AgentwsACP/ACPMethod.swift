/// The method names agentws serves: ACP's, and its extension methods for the operations ACP has no
/// word for (SPEC §10). Extension methods start with `_agentws/`, as ACP reserves `_` for them.
public enum ACPMethod {
    public static let initialize = "initialize"
    public static let sessionNew = "session/new"
    public static let sessionResume = "session/resume"
    public static let sessionPrompt = "session/prompt"
    public static let sessionCancel = "session/cancel"
    public static let sessionList = "session/list"
    public static let sessionClose = "session/close"
    public static let sessionSetConfigOption = "session/set_config_option"
    /// A new session with a copy of another's conversation (SPEC §12; unstable in ACP 1).
    public static let sessionFork = "session/fork"
    /// Agent → client: a piece of a running prompt.
    public static let sessionUpdate = "session/update"

    /// `agentws send`: a turn with agentws's own options and events (`_agentws/event`).
    public static let send = "_agentws/send"
    public static let stop = "_agentws/stop"
    public static let interrupt = "_agentws/interrupt"
    public static let reset = "_agentws/reset"
    public static let unbind = "_agentws/unbind"
    /// `agentws fork`.
    public static let fork = "_agentws/fork"
    public static let list = "_agentws/list"
    public static let show = "_agentws/show"
    public static let reap = "_agentws/reap"
    public static let providers = "_agentws/providers"
    /// Agent → client: an event of a `_agentws/*` request, tagged with its `requestId`.
    public static let event = "_agentws/event"

    /// Every extension method, as `initialize` advertises them.
    public static let extensions = [send, stop, interrupt, reset, unbind, fork, list, show, reap, providers]
}
