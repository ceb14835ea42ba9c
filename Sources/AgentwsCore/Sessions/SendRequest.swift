/// A `send` (SPEC §4.1).
public struct SendRequest: Sendable, Equatable {
    /// The thread; nil creates a new one.
    public var thread: ThreadID?
    public var text: String
    /// `--model`: alias, `provider/model` or a bare model name.
    public var model: String?
    /// `--provider`.
    public var provider: String?
    /// `--fresh`: when the stored conversation cannot be resumed, start a fresh one instead of failing.
    public var freshOnResumeFailure: Bool
    /// `--wait`: wait for another process's session on the thread to end instead of failing fast.
    public var waitForOwner: Bool
    /// Working directory for a new thread, relative to the workspace root.
    public var cwd: String
    public var runtimeMode: String?

    public init(
        thread: ThreadID?, text: String, model: String? = nil, provider: String? = nil,
        freshOnResumeFailure: Bool = false, waitForOwner: Bool = false, cwd: String = ".",
        runtimeMode: String? = nil
    ) {
        self.thread = thread
        self.text = text
        self.model = model
        self.provider = provider
        self.freshOnResumeFailure = freshOnResumeFailure
        self.waitForOwner = waitForOwner
        self.cwd = cwd
        self.runtimeMode = runtimeMode
    }
}

/// What a finished `send` reports.
public struct SendResult: Sendable, Equatable {
    public var thread: ThreadID
    public var provider: String
    public var model: String?
    public var start: SessionStartKind
    public var stopReason: StopReason
    /// Tokens and cost of the turn, when the provider reports them.
    public var usage: TurnUsage?
}
