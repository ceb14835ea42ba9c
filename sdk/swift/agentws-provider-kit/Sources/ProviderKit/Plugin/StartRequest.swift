import AgentwsJSON

/// The parameters of `start`.
public struct StartRequest: Sendable, Equatable {
    /// The host's thread id, for the plugin's records and logs.
    public var thread: String
    /// The absolute working directory of the session.
    public var cwd: String
    /// The model asked for, or nil for the plugin's default.
    public var model: String?
    /// A provider-specific runtime mode (sandbox, approvals, …), or nil.
    public var runtimeMode: String?
    /// The cursor to resume, or nil for a fresh conversation.
    public var resumeCursor: JSONValue?

    /// Makes a request; plugins receive theirs from the host.
    public init(thread: String, cwd: String, model: String?, runtimeMode: String?, resumeCursor: JSONValue?) {
        self.thread = thread
        self.cwd = cwd
        self.model = model
        self.runtimeMode = runtimeMode
        self.resumeCursor = resumeCursor
    }
}

/// The answer to `start`.
public struct StartResult: Sendable, Equatable {
    /// The plugin-chosen session id the host uses in later calls.
    public var session: String
    /// The cursor of the conversation, or nil when the provider cannot resume.
    public var cursor: JSONValue?
    /// Whether an existing conversation was resumed.
    public var resumed: Bool

    /// Makes a result.
    public init(session: String, cursor: JSONValue?, resumed: Bool) {
        self.session = session
        self.cursor = cursor
        self.resumed = resumed
    }
}
