/// A live echo session: one conversation, at most one turn and one piece of background work.
struct EchoSession: Sendable {
    /// The turn being run.
    struct Turn: Sendable {
        var interrupted = false
        /// The wait of a slow turn, cancelled to interrupt it.
        var sleeper: Task<Void, any Error>?
    }

    /// The background work `[echo:busy N]` reports.
    struct Background: Sendable {
        /// Tells a finished piece of work from the one that replaced it.
        var token: Int
        var task: Task<Void, Never>
    }

    let id: String
    var conversation: EchoConversation
    /// Set by `[echo:forget]`: the file is gone and is not written again; the live session goes on.
    var forgotten = false
    var turn: Turn?
    var background: Background?
    /// Set by `[echo:fail-stop]`.
    var failStop = false

    var isBusy: Bool { turn != nil || background != nil }
}
