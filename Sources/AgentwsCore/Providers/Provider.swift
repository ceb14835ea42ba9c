import AgentwsJSON

/// How a provider takes a model change on a live conversation (SPEC §6).
public enum ModelSwitch: String, Sendable, Equatable {
    /// The next turn can use another model in the same conversation.
    case inSession = "in-session"
    /// A different model needs a fresh conversation.
    case restart
}

/// What a provider instance says about itself (`describe`).
public struct ProviderCapabilities: Sendable, Equatable {
    public var modelSwitch: ModelSwitch
    /// The models it accepts, or nil when it accepts any.
    public var models: [String]?
    /// Whether it can resume a conversation from a cursor.
    public var canResume: Bool

    public init(modelSwitch: ModelSwitch, models: [String]?, canResume: Bool) {
        self.modelSwitch = modelSwitch
        self.models = models
        self.canResume = canResume
    }
}

/// What a session is started with.
public struct SessionStartRequest: Sendable, Equatable {
    public var thread: ThreadID
    /// Absolute working directory.
    public var cwd: String
    public var model: String?
    public var runtimeMode: String?
    /// The stored cursor to resume, or nil for a fresh conversation.
    public var resumeCursor: JSONValue?

    public init(thread: ThreadID, cwd: String, model: String?, runtimeMode: String?, resumeCursor: JSONValue?)
    {
        self.thread = thread
        self.cwd = cwd
        self.model = model
        self.runtimeMode = runtimeMode
        self.resumeCursor = resumeCursor
    }
}

/// One turn sent to a live session.
public struct TurnRequest: Sendable, Equatable {
    public var text: String
    /// The model for this turn when it differs from the session's (in-session switch).
    public var model: String?
    public init(text: String, model: String? = nil) {
        self.text = text
        self.model = model
    }
}

/// Why a turn ended (ACP's stop reasons).
public enum StopReason: String, Sendable, Equatable {
    case endTurn = "end_turn"
    case cancelled
    case maxTokens = "max_tokens"
    case refusal
}

/// The end of a turn.
public struct TurnOutcome: Sendable, Equatable {
    public var stopReason: StopReason
    /// A new cursor when the provider's conversation handle changed during the turn.
    public var cursor: JSONValue?
    public init(stopReason: StopReason, cursor: JSONValue? = nil) {
        self.stopReason = stopReason
        self.cursor = cursor
    }
}

/// Something a provider reports while a session is live.
public enum ProviderEvent: Sendable, Equatable {
    /// A piece of the agent's reply.
    case text(String)
    /// A tool call or its update, as the provider describes it (`id`, `title`, `status`, …).
    case toolCall(JSONValue)
    /// A message for the user that is not part of the reply (warnings, approvals declined, …).
    case notice(String)
    /// Background work started or finished; a busy session is never reaped.
    case busy(Bool)
    /// Anything else, passed through.
    case other(JSONValue)
}

/// The error codes of the plugin ABI (SPEC §8.1).
public enum ProviderErrorCode: String, Sendable, Equatable, CaseIterable {
    case invalidRequest = "invalid-request"
    case notFound = "not-found"
    case resumeFailed = "resume-failed"
    case providerFailed = "provider-failed"
    case unsupported
}

/// An error reported by a provider.
public struct ProviderError: AgentwsFailure, Equatable {
    public var code: ProviderErrorCode
    public var message: String

    public init(_ code: ProviderErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var category: ErrorCategory {
        switch code {
        case .invalidRequest, .unsupported: return .usage
        case .notFound: return .notFound
        case .resumeFailed, .providerFailed: return .providerFailure
        }
    }

    public var description: String { message }
}

/// Receives a session's events. Called from any thread.
public typealias ProviderEventHandler = @Sendable (ProviderEvent) -> Void

/// One configured provider instance: a loaded plugin plus its options, or an in-memory double.
public protocol Provider: Sendable {
    /// The provider instance name (`providers.<name>` in the config).
    var name: String { get }
    func describe() async throws(ProviderError) -> ProviderCapabilities
    /// Starts or resumes a conversation. With a cursor, a provider that cannot find the conversation
    /// throws `resume-failed`; it never starts a fresh one instead.
    func start(_ request: SessionStartRequest, events: @escaping ProviderEventHandler)
        async throws(ProviderError)
        -> any ProviderSession
}

/// A live provider session.
public protocol ProviderSession: Sendable {
    /// The cursor of the conversation this session is attached to.
    var cursor: JSONValue? { get }
    /// Runs one turn; events arrive through the handler given to `start` until it returns.
    func send(_ turn: TurnRequest) async throws(ProviderError) -> TurnOutcome
    /// Interrupts the running turn, if any.
    func interrupt() async throws(ProviderError)
    /// Whether the provider reports work in progress (a busy session is never reaped).
    func isBusy() async throws(ProviderError) -> Bool
    /// Ends the session. The conversation stays resumable from its cursor.
    func stop() async throws(ProviderError)
}
