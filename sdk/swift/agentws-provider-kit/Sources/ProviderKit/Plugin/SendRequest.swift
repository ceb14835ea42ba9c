import AgentwsJSON

/// The parameters of `send`: one turn.
public struct SendRequest: Sendable, Equatable {
    /// The session the turn belongs to.
    public var session: String
    /// The user's message.
    public var text: String
    /// The model for this turn when the host asks for one (an in-session switch), else nil.
    public var model: String?

    /// Makes a request; plugins receive theirs from the host.
    public init(session: String, text: String, model: String?) {
        self.session = session
        self.text = text
        self.model = model
    }
}

/// The end of a turn.
public struct SendResult: Sendable, Equatable {
    /// Why a turn ended.
    public enum StopReason: String, Sendable, Equatable {
        /// The agent finished its reply.
        case endTurn = "end_turn"
        /// The turn was interrupted.
        case cancelled
        /// The reply hit the model's output limit.
        case maxTokens = "max_tokens"
        /// The model refused.
        case refusal
    }

    /// Why the turn ended.
    public var stopReason: StopReason
    /// The new cursor when the conversation's handle changed during the turn, else nil.
    public var cursor: JSONValue?

    /// Makes a result.
    public init(stopReason: StopReason, cursor: JSONValue? = nil) {
        self.stopReason = stopReason
        self.cursor = cursor
    }
}
