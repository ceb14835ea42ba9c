import AgentwsJSON

/// The durable state of one thread (SPEC §3.2): which provider it is bound to and how to resume the
/// provider's conversation. Nothing in here changes from turn to turn unless its meaning changes.
public struct Binding: Sendable, Hashable {
    /// The format version this build writes.
    public static let currentSchemaVersion: Int64 = 1

    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// A process owns a live session.
        case active
        /// No live session; resumable.
        case stopped
        /// The last start or turn failed; `lastError` says why. Still resumable.
        case error
    }

    public var schemaVersion: Int64
    public var threadID: ThreadID
    public var provider: String
    public var model: String?
    public var status: Status
    /// Opaque, provider-owned handle to the provider conversation. Nil before the first start and
    /// after a reset.
    public var resumeCursor: JSONValue?
    /// Working directory of the session, relative to the workspace root ("." for the root itself).
    public var cwd: String
    public var runtimeMode: String?
    public var lastError: String?
    public var createdAt: UTCDateTime

    public init(
        threadID: ThreadID, provider: String, model: String?, status: Status = .stopped,
        resumeCursor: JSONValue? = nil, cwd: String = ".", runtimeMode: String? = nil,
        lastError: String? = nil, createdAt: UTCDateTime, schemaVersion: Int64 = Binding.currentSchemaVersion
    ) {
        self.schemaVersion = schemaVersion
        self.threadID = threadID
        self.provider = provider
        self.model = model
        self.status = status
        self.resumeCursor = resumeCursor
        self.cwd = cwd
        self.runtimeMode = runtimeMode
        self.lastError = lastError
        self.createdAt = createdAt
    }
}
