import AgentwsJSON

// ABI 1.1's optional methods. A plugin opts into each by conforming to its protocol; `describe` then
// advertises it (`canExport`, `canImport`, `canFork`) and the kit dispatches the method to it. A
// plugin that does not conform answers `unsupported` without any code of its own.

/// A plugin that writes a conversation's transcript to a file (`export`).
public protocol TranscriptExporting: ProviderPlugin {
    /// The format its export writes, advertised as `transcriptFormat` (e.g. `echo-json`).
    static var transcriptFormat: String { get }
    /// Writes the transcript of the conversation behind `request.cursor` to `request.path` (a new
    /// file the host chose). No live session is needed. Throw `not-found` when the conversation is
    /// not here.
    func exportTranscript(_ request: ExportRequest) async throws -> ExportResult
}

/// A plugin that makes a conversation resumable from a transcript file (`import`).
public protocol TranscriptImporting: ProviderPlugin {
    /// Reads `request.path` (the host keeps the file) and makes its conversation resumable here.
    /// Throw `invalid-request` for a foreign format or a damaged file, leaving nothing behind.
    func importTranscript(_ request: ImportRequest) async throws -> ImportResult
}

/// A plugin whose `import` can also overwrite its own copy of a conversation (`replace: true`,
/// advertised as `canReplace`): how agentws adopts a newer transcript another machine captured.
/// Without this conformance the kit refuses such an import with `unsupported`.
public protocol TranscriptReplacing: TranscriptImporting {}

/// A plugin that copies a conversation into a new, independent one (`fork`).
public protocol ConversationForking: ProviderPlugin {
    /// Copies the conversation behind `request.cursor`; the copy and the source then go on
    /// independently. Throw `not-found` when the source conversation is not here.
    func fork(_ request: ForkConversationRequest) async throws -> PluginForkResult
}

/// The parameters of `export`.
public struct ExportRequest: Sendable, Equatable {
    /// The host's thread id, for records and messages; empty when the host did not send one.
    public var thread: String
    /// The cursor of the conversation to export.
    public var cursor: JSONValue
    /// The thread's absolute working directory.
    public var cwd: String
    /// The absolute path of the file to write.
    public var path: String

    /// Makes a request; plugins receive theirs from the host.
    public init(thread: String, cursor: JSONValue, cwd: String, path: String) {
        self.thread = thread
        self.cursor = cursor
        self.cwd = cwd
        self.path = path
    }
}

/// The answer to `export`.
public struct ExportResult: Sendable, Equatable {
    /// The format of the file written; the host hands it back to `import`.
    public var format: String

    /// Makes a result.
    public init(format: String) { self.format = format }
}

/// The parameters of `import`.
public struct ImportRequest: Sendable, Equatable {
    /// The host's thread id the conversation is for.
    public var thread: String
    /// The thread's absolute working directory on this machine.
    public var cwd: String
    /// The absolute path of the transcript file.
    public var path: String
    /// The format its export named.
    public var format: String
    /// The cursor the transcript was exported from, when the host knows it.
    public var cursor: JSONValue?
    /// `replace: true` (only to a `TranscriptReplacing` plugin): the conversation behind `cursor`
    /// exists here; overwrite it with the transcript and answer the same cursor. Throw `not-found`
    /// when it does not exist here.
    public var replace: Bool

    /// Makes a request; plugins receive theirs from the host.
    public init(
        thread: String, cwd: String, path: String, format: String, cursor: JSONValue?, replace: Bool = false
    ) {
        self.thread = thread
        self.cwd = cwd
        self.path = path
        self.format = format
        self.cursor = cursor
        self.replace = replace
    }
}

/// The answer to `import`.
public struct ImportResult: Sendable, Equatable {
    /// The cursor to resume the imported conversation with.
    public var cursor: JSONValue

    /// Makes a result.
    public init(cursor: JSONValue) { self.cursor = cursor }
}

/// The parameters of `fork`.
public struct ForkConversationRequest: Sendable, Equatable {
    /// The host's id of the new thread the copy is for.
    public var thread: String
    /// The cursor of the conversation to copy.
    public var cursor: JSONValue
    /// The new thread's absolute working directory.
    public var cwd: String
    /// The model asked for the copy, or nil.
    public var model: String?
    /// The runtime mode asked for the copy, or nil.
    public var runtimeMode: String?

    /// Makes a request; plugins receive theirs from the host.
    public init(thread: String, cursor: JSONValue, cwd: String, model: String?, runtimeMode: String?) {
        self.thread = thread
        self.cursor = cursor
        self.cwd = cwd
        self.model = model
        self.runtimeMode = runtimeMode
    }
}

/// The answer to `fork`.
public struct PluginForkResult: Sendable, Equatable {
    /// The cursor of the new conversation.
    public var cursor: JSONValue

    /// Makes a result.
    public init(cursor: JSONValue) { self.cursor = cursor }
}
