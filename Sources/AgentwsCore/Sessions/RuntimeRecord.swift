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
}

/// The per-machine, non-durable facts about a thread (`state/threads/<thread>.json`): things that
/// would churn the binding file or mean nothing on another machine.
public struct RuntimeRecord: Sendable, Equatable {
    /// The process that owns the live session, while there is one.
    public var ownerPID: Int32?
    public var lastStopCause: StopCause?
    public var lastStoppedAt: UTCDateTime?
    /// Wall-clock time of the last turn end or provider event, for display only (idle decisions use
    /// the monotonic clock).
    public var lastActivity: UTCDateTime?

    public init(
        ownerPID: Int32? = nil, lastStopCause: StopCause? = nil, lastStoppedAt: UTCDateTime? = nil,
        lastActivity: UTCDateTime? = nil
    ) {
        self.ownerPID = ownerPID
        self.lastStopCause = lastStopCause
        self.lastStoppedAt = lastStoppedAt
        self.lastActivity = lastActivity
    }

    public var jsonValue: JSONValue {
        .object([
            "ownerPid": ownerPID.map { .integer(Int64($0)) } ?? .null,
            "lastStopCause": .optional(lastStopCause?.rawValue),
            "lastStoppedAt": .optional(lastStoppedAt?.description),
            "lastActivity": .optional(lastActivity?.description),
        ])
    }

    /// Decodes a record leniently: this is a cache of facts, so unknown or bad fields are dropped.
    public init(json: JSONValue) {
        self.ownerPID = json["ownerPid"]?.integerValue.flatMap { Int32(exactly: $0) }
        self.lastStopCause = json["lastStopCause"]?.stringValue.flatMap(StopCause.init(rawValue:))
        self.lastStoppedAt = json["lastStoppedAt"]?.stringValue.flatMap(UTCDateTime.init(rfc3339:))
        self.lastActivity = json["lastActivity"]?.stringValue.flatMap(UTCDateTime.init(rfc3339:))
    }
}
