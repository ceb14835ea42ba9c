import AgentwsJSON

/// Why a session stopped (SPEC §3.2): shown by `list` / `show`, kept under `state/`, never in the
/// binding file.
public enum StopCause: String, Sendable, Equatable, CaseIterable {
    /// `agentws stop`.
    case explicit
    /// The idle reaper.
    case idle
    /// The daemon shut down.
    case shutdown
    /// A one-shot command finished.
    case exit
    /// Its owner died; found and stopped by the next process.
    case recovered
    /// A model change needed a fresh conversation.
    case modelChange = "model-change"
    /// `agentws reset`.
    case reset
    /// The provider failed and the session ended.
    case failure
    /// The binding file changed underneath the live session (`git checkout`, a merge, a hand edit),
    /// or was deleted; the session stopped so that the next operation follows the file (SPEC §4.4).
    case changed
}

/// The per-machine, non-durable facts about a thread (`state/threads/<thread>.json`): things that
/// would churn the binding file or mean nothing on another machine (SPEC §3.2). Whether the thread is
/// live, stopped or in error is decided from here, never from the binding file.
public struct RuntimeRecord: Sendable, Equatable {
    /// The process that owns the live session, while there is one. Set while live: a record that
    /// names an owner whose lease is free was left by a process that died (SPEC §4.3).
    public var ownerPID: Int32?
    /// Why the last start or turn failed on this machine (a resume failure, a provider crash); nil
    /// once a session starts again, or after `stop` / `reset`.
    public var lastError: String?
    /// Set once the `status` / `lastError` of a schema-1 binding file were taken into this record,
    /// so that they are taken once, not at every touch of a file that is not rewritten.
    public var legacyTaken: Bool
    public var lastStopCause: StopCause?
    public var lastStoppedAt: UTCDateTime?
    /// Wall-clock time of the last turn end or provider event, for display only (idle decisions use
    /// the monotonic clock).
    public var lastActivity: UTCDateTime?
    /// Why the last transcript capture of this thread wrote nothing (SPEC §11): the provider cannot
    /// export, the transcript is over `max_size`, the export failed. Nil after a capture that wrote
    /// or found the transcript unchanged.
    public var transcriptNote: String?
    /// The SHA-256 of the transcript this machine's provider copy of the conversation is known to
    /// equal: set when a capture here wrote it or found it unchanged, when a restore or `import`
    /// imported it, when a newer workspace transcript was adopted. A held transcript with another
    /// hash came from elsewhere (git) and is newer than this machine's copy.
    public var knownTranscriptSHA256: String?

    public init(
        ownerPID: Int32? = nil, lastError: String? = nil, lastStopCause: StopCause? = nil,
        lastStoppedAt: UTCDateTime? = nil, lastActivity: UTCDateTime? = nil, legacyTaken: Bool = false
    ) {
        self.ownerPID = ownerPID
        self.lastError = lastError
        self.legacyTaken = legacyTaken
        self.lastStopCause = lastStopCause
        self.lastStoppedAt = lastStoppedAt
        self.lastActivity = lastActivity
    }

    public var jsonValue: JSONValue {
        .object([
            "ownerPid": ownerPID.map { .integer(Int64($0)) } ?? .null,
            "lastError": .optional(lastError),
            "legacyTaken": .bool(legacyTaken),
            "lastStopCause": .optional(lastStopCause?.rawValue),
            "lastStoppedAt": .optional(lastStoppedAt?.description),
            "lastActivity": .optional(lastActivity?.description),
            "transcriptNote": .optional(transcriptNote),
            "knownTranscriptSha256": .optional(knownTranscriptSHA256),
        ])
    }

    /// Decodes a record leniently: this is a cache of facts, so unknown or bad fields are dropped.
    public init(json: JSONValue) {
        self.ownerPID = json["ownerPid"]?.integerValue.flatMap { Int32(exactly: $0) }
        self.lastError = json["lastError"]?.stringValue
        self.legacyTaken = json["legacyTaken"]?.boolValue ?? false
        self.lastStopCause = json["lastStopCause"]?.stringValue.flatMap(StopCause.init(rawValue:))
        self.lastStoppedAt = json["lastStoppedAt"]?.stringValue.flatMap(UTCDateTime.init(rfc3339:))
        self.lastActivity = json["lastActivity"]?.stringValue.flatMap(UTCDateTime.init(rfc3339:))
        self.transcriptNote = json["transcriptNote"]?.stringValue
        self.knownTranscriptSHA256 = json["knownTranscriptSha256"]?.stringValue
    }
}
