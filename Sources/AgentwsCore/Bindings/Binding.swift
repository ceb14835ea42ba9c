import AgentwsJSON

/// The durable state of one thread (SPEC §3.2): which provider it is bound to and how to resume the
/// provider's conversation. Only what means the same on every clone of the repository is in here;
/// whether a session is live, the last error and the last stop are facts of one machine and live in
/// its `state/` (`RuntimeRecord`).
public struct Binding: Sendable, Hashable {
    /// The format version this build writes.
    public static let currentSchemaVersion: Int64 = 2

    /// The fork a thread came from (SPEC §12).
    public struct Parent: Sendable, Hashable {
        public var thread: ThreadID
        public init(thread: ThreadID) { self.thread = thread }
    }

    /// The volatile fields a schema-1 file carried (`status`, `lastError`). Read so that they can be
    /// taken into `state/` the first time the thread is touched; never written.
    public struct LegacyRuntime: Sendable, Hashable {
        /// `active`, `stopped` or `error`.
        public var status: String
        public var lastError: String?
        public init(status: String, lastError: String?) {
            self.status = status
            self.lastError = lastError
        }
    }

    /// The version of the file this binding was read from (`currentSchemaVersion` for a new one).
    public var schemaVersion: Int64
    public var threadID: ThreadID
    public var provider: String
    public var model: String?
    /// Opaque, provider-owned handle to the provider conversation. Nil before the first start and
    /// after a reset.
    public var resumeCursor: JSONValue?
    /// Working directory of the session, relative to the workspace root ("." for the root itself).
    public var cwd: String
    public var runtimeMode: String?
    public var parent: Parent?
    public var createdAt: UTCDateTime
    /// Set only for a binding read from a schema-1 file.
    public var legacy: LegacyRuntime?

    public init(
        threadID: ThreadID, provider: String, model: String?, resumeCursor: JSONValue? = nil,
        cwd: String = ".",
        runtimeMode: String? = nil, parent: Parent? = nil, createdAt: UTCDateTime,
        schemaVersion: Int64 = Binding.currentSchemaVersion, legacy: LegacyRuntime? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.threadID = threadID
        self.provider = provider
        self.model = model
        self.resumeCursor = resumeCursor
        self.cwd = cwd
        self.runtimeMode = runtimeMode
        self.parent = parent
        self.createdAt = createdAt
        self.legacy = legacy
    }

    /// Whether `other` means the same: the same durable fields, whatever schema version the two
    /// were read from. A write of a binding that means the same as its file does not rewrite it, so
    /// a schema-1 file stays as it is until its meaning changes (or `agentws migrate`).
    public func means(_ other: Binding) -> Bool {
        threadID == other.threadID && provider == other.provider && model == other.model
            && resumeCursor == other.resumeCursor && cwd == other.cwd && runtimeMode == other.runtimeMode
            && parent == other.parent && createdAt == other.createdAt
    }

    /// The fields whose change under a live session means the session no longer runs what the file
    /// says (SPEC §4.4), named for messages; empty when none differs.
    public func sessionFieldsChanged(from other: Binding) -> [String] {
        var changed: [String] = []
        if provider != other.provider { changed.append("provider") }
        if model != other.model { changed.append("model") }
        if resumeCursor != other.resumeCursor { changed.append("resumeCursor") }
        if cwd != other.cwd { changed.append("cwd") }
        if runtimeMode != other.runtimeMode { changed.append("runtimeMode") }
        return changed
    }
}
