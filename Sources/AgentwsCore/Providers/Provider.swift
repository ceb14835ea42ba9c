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
    /// Whether it can write a conversation's transcript to a file (ABI 1.1 `export`).
    public var canExport: Bool
    /// Whether it can make a conversation resumable from a transcript file (ABI 1.1 `import`).
    public var canImport: Bool
    /// Whether it can copy a conversation into a new, independent one (ABI 1.1 `fork`).
    public var canFork: Bool
    /// Whether its `import` can overwrite its own copy of a conversation with a transcript
    /// (`replace: true`, ABI 1.1 `canReplace`): how a newer transcript from another machine is adopted.
    public var canReplace: Bool
    /// The format its `export` writes (e.g. `echo-json`, `codex-rollout-jsonl`), when it exports.
    public var transcriptFormat: String?

    public init(
        modelSwitch: ModelSwitch, models: [String]?, canResume: Bool, canExport: Bool = false,
        canImport: Bool = false, canFork: Bool = false, canReplace: Bool = false,
        transcriptFormat: String? = nil
    ) {
        self.modelSwitch = modelSwitch
        self.models = models
        self.canResume = canResume
        self.canExport = canExport
        self.canImport = canImport
        self.canFork = canFork
        self.canReplace = canReplace
        self.transcriptFormat = transcriptFormat
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
    /// Tokens and cost of the turn, when the provider reports them.
    public var usage: TurnUsage?
    public init(stopReason: StopReason, cursor: JSONValue? = nil, usage: TurnUsage? = nil) {
        self.stopReason = stopReason
        self.cursor = cursor
        self.usage = usage
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
    /// The provider lost the session on its own (the process serving it died): the session is
    /// over, its conversation stays resumable from its cursor; the text says what happened.
    case ended(String)
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
    /// Writes the transcript of the conversation behind `request.cursor` to `request.destination`
    /// (SPEC §11). No live session is needed. Throws `unsupported` when the provider cannot export,
    /// `not-found` when it does not have that conversation.
    func exportTranscript(_ request: TranscriptExportRequest) async throws(ProviderError)
        -> TranscriptExportResult
    /// Makes the conversation in the transcript `request.source` resumable here, and returns the
    /// cursor to resume it with (the exported one where the provider allows it). Throws
    /// `invalid-request` for a file in a foreign or damaged format, `unsupported` when it cannot import.
    func importTranscript(_ request: TranscriptImportRequest) async throws(ProviderError) -> JSONValue
    /// Copies the conversation behind `request.cursor` into a new, independent conversation for
    /// `request.thread` and returns its cursor (SPEC §12). Throws `unsupported` when it cannot fork,
    /// `not-found` when it does not have the source conversation.
    func fork(_ request: ForkRequest) async throws(ProviderError) -> JSONValue
}

extension Provider {
    /// Providers without transcripts (test doubles, ABI 1.0 plugins) refuse by default.
    public func exportTranscript(_ request: TranscriptExportRequest) async throws(ProviderError)
        -> TranscriptExportResult
    {
        throw ProviderError(.unsupported, "provider '\(name)' cannot export transcripts")
    }

    public func importTranscript(_ request: TranscriptImportRequest) async throws(ProviderError) -> JSONValue
    {
        throw ProviderError(.unsupported, "provider '\(name)' cannot import transcripts")
    }

    public func fork(_ request: ForkRequest) async throws(ProviderError) -> JSONValue {
        throw ProviderError(.unsupported, "provider '\(name)' cannot fork conversations")
    }
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
