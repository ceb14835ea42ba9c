import AgentwsJSON

/// The parameters of `send`: one turn.
public struct PluginTurnRequest: Sendable, Equatable {
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
public struct PluginTurnResult: Sendable, Equatable {
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

    /// Tokens and money one turn cost, as the agent reported them; every figure is optional, and
    /// all of them are for this turn alone (not a running total). The names follow ACP's `Usage`.
    public struct Usage: Sendable, Equatable {
        public var inputTokens: Int64?
        public var outputTokens: Int64?
        public var totalTokens: Int64?
        /// Reasoning ("thinking") tokens, when the agent counts them apart.
        public var thoughtTokens: Int64?
        public var cachedReadTokens: Int64?
        public var cachedWriteTokens: Int64?
        /// The turn's cost in `costCurrency` (ISO 4217, e.g. `USD`).
        public var cost: Double?
        public var costCurrency: String

        /// Makes a usage report; leave out what the agent does not report.
        public init(
            inputTokens: Int64? = nil, outputTokens: Int64? = nil, totalTokens: Int64? = nil,
            thoughtTokens: Int64? = nil, cachedReadTokens: Int64? = nil, cachedWriteTokens: Int64? = nil,
            cost: Double? = nil, costCurrency: String = "USD"
        ) {
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
            self.totalTokens = totalTokens
            self.thoughtTokens = thoughtTokens
            self.cachedReadTokens = cachedReadTokens
            self.cachedWriteTokens = cachedWriteTokens
            self.cost = cost
            self.costCurrency = costCurrency
        }
    }

    /// Why the turn ended.
    public var stopReason: StopReason
    /// The new cursor when the conversation's handle changed during the turn, else nil.
    public var cursor: JSONValue?
    /// What the turn cost, when the agent says; the host shows it in `agentws send --json`.
    public var usage: Usage?

    /// Makes a result.
    public init(stopReason: StopReason, cursor: JSONValue? = nil, usage: Usage? = nil) {
        self.stopReason = stopReason
        self.cursor = cursor
        self.usage = usage
    }
}
