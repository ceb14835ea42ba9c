/// The method names agentws serves: ACP's, and its extension methods for the operations ACP has no
/// word for (SPEC §10). Extension methods start with `_agentws/`, as ACP reserves `_` for them.
package enum ACPMethod {
    package static let initialize = "initialize"
    package static let sessionNew = "session/new"
    package static let sessionResume = "session/resume"
    package static let sessionPrompt = "session/prompt"
    package static let sessionCancel = "session/cancel"
    package static let sessionList = "session/list"
    package static let sessionClose = "session/close"
    package static let sessionSetConfigOption = "session/set_config_option"
    /// A new session with a copy of another's conversation (SPEC §12; unstable in ACP 1).
    package static let sessionFork = "session/fork"
    /// Agent → client: a piece of a running prompt.
    package static let sessionUpdate = "session/update"

    /// `agentws send`: a turn with agentws's own options and events (`_agentws/event`).
    package static let send = "_agentws/send"
    package static let stop = "_agentws/stop"
    package static let interrupt = "_agentws/interrupt"
    package static let reset = "_agentws/reset"
    package static let unbind = "_agentws/unbind"
    /// `agentws fork`.
    package static let fork = "_agentws/fork"
    package static let list = "_agentws/list"
    package static let show = "_agentws/show"
    package static let reap = "_agentws/reap"
    package static let providers = "_agentws/providers"
    /// Agent → client: an event of a `_agentws/*` request, tagged with its `requestId`.
    package static let event = "_agentws/event"

    /// Every extension method, as `initialize` advertises them.
    package static let extensions = [send, stop, interrupt, reset, unbind, fork, list, show, reap, providers]
}
