import AgentwsJSON

/// What a `send` reports to its caller while it runs, in order.
public enum SessionEvent: Sendable, Equatable {
    /// The session is ready: a fresh conversation, a resumed one, or a warm live one.
    case sessionReady(thread: ThreadID, provider: String, model: String?, start: SessionStartKind)
    /// A piece of the reply.
    case text(String)
    case toolCall(JSONValue)
    /// Informational, for the user (stderr in the CLI).
    case notice(String)
    /// Something the user must know: e.g. a fresh conversation replaced one that could not resume.
    case warning(String)
    case providerEvent(JSONValue)
    /// The turn ended; with its tokens and cost when the provider reports them.
    case turnFinished(StopReason, usage: TurnUsage?)
}

/// How a send got its session.
public enum SessionStartKind: String, Sendable, Equatable {
    /// A new provider conversation (unbound thread, after reset, after a model-change restart).
    case fresh
    /// The stored cursor was resumed.
    case resumed
    /// A live session of this process was reused.
    case warm
    /// The stored cursor could not be resumed; a fresh conversation replaced it (`--fresh` or
    /// `sessions.on_resume_failure: fresh`).
    case replaced
    /// The provider had lost the conversation; the workspace's transcript of it was imported and the
    /// conversation resumed from it (SPEC §11).
    case restored
}
