import AgentwsJSON

/// What `Provider.exportTranscript` is asked for (SPEC §8.1, §11).
public struct TranscriptExportRequest: Sendable, Equatable {
    /// The thread whose conversation is exported, for the provider's records and messages.
    public var thread: ThreadID
    /// The cursor of the conversation, as stored in the binding.
    public var cursor: JSONValue
    /// The thread's absolute working directory.
    public var cwd: String
    /// The absolute path of the file the provider writes (a new file in the workspace's `state/`;
    /// the caller moves it into place).
    public var destination: String

    public init(thread: ThreadID, cursor: JSONValue, cwd: String, destination: String) {
        self.thread = thread
        self.cursor = cursor
        self.cwd = cwd
        self.destination = destination
    }
}

/// What an export wrote.
public struct TranscriptExportResult: Sendable, Equatable {
    /// The format of the file, e.g. `echo-json` or `codex-rollout-jsonl`; `import` needs it back.
    public var format: String
    /// The cursor the transcript belongs to (the one asked for).
    public var cursor: JSONValue

    public init(format: String, cursor: JSONValue) {
        self.format = format
        self.cursor = cursor
    }
}

/// What `Provider.importTranscript` is asked for.
public struct TranscriptImportRequest: Sendable, Equatable {
    /// The thread the conversation is for.
    public var thread: ThreadID
    /// The thread's absolute working directory on this machine.
    public var cwd: String
    /// The absolute path of the transcript file; the provider reads it and does not keep it.
    public var source: String
    /// The format the export named.
    public var format: String
    /// The cursor the transcript was exported from, when known; providers reuse it where they can.
    public var cursor: JSONValue?
    /// The provider has the conversation behind `cursor` and overwrites it with the transcript,
    /// answering the same cursor (only for providers whose capabilities say `canReplace`).
    public var replace: Bool

    public init(
        thread: ThreadID, cwd: String, source: String, format: String, cursor: JSONValue?,
        replace: Bool = false
    ) {
        self.thread = thread
        self.cwd = cwd
        self.source = source
        self.format = format
        self.cursor = cursor
        self.replace = replace
    }
}

/// What `Provider.fork` is asked for (SPEC §12).
public struct ForkRequest: Sendable, Equatable {
    /// The new thread the copy is for.
    public var thread: ThreadID
    /// The thread forked from.
    public var source: ThreadID
    /// The cursor of the source thread's conversation.
    public var cursor: JSONValue
    /// The absolute working directory of the new thread.
    public var cwd: String
    public var model: String?
    public var runtimeMode: String?

    public init(
        thread: ThreadID, source: ThreadID, cursor: JSONValue, cwd: String, model: String?,
        runtimeMode: String?
    ) {
        self.thread = thread
        self.source = source
        self.cursor = cursor
        self.cwd = cwd
        self.model = model
        self.runtimeMode = runtimeMode
    }
}
