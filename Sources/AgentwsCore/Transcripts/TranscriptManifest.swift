import AgentwsJSON

/// `transcripts/<thread>/manifest.json` (SPEC §11): which provider conversation the transcript file
/// beside it is, and how to check it. Canonical JSON like a binding; no absolute path, and nothing
/// that changes unless the transcript does — `capturedAt` is the time this content was first
/// captured, so it changes exactly when `sha256` does.
public struct TranscriptManifest: Sendable, Equatable {
    /// The version of the manifest format this build writes and reads.
    public static let currentVersion: Int64 = 1

    public var version: Int64
    public var thread: ThreadID
    /// The provider instance that exported it (the binding's `provider`).
    public var provider: String
    /// The provider's transcript format (`echo-json`, `codex-rollout-jsonl`, …); `import` needs it.
    public var format: String
    /// The cursor of the conversation the transcript is: restore uses it only for this cursor.
    public var cursor: JSONValue
    public var size: Int64
    /// Lower-case hex SHA-256 of the transcript file.
    public var sha256: String
    /// The transcript's file name inside `transcripts/<thread>/`.
    public var file: String
    /// When this content was captured (RFC 3339, UTC).
    public var capturedAt: UTCDateTime

    public init(
        thread: ThreadID, provider: String, format: String, cursor: JSONValue, size: Int64, sha256: String,
        capturedAt: UTCDateTime
    ) {
        self.version = Self.currentVersion
        self.thread = thread
        self.provider = provider
        self.format = format
        self.cursor = cursor
        self.size = size
        self.sha256 = sha256
        self.file = Self.fileName(sha256: sha256, format: format)
        self.capturedAt = capturedAt
    }

    /// `transcript-<first 16 hex digits of the hash>.<jsonl|json|bin>`: a new content gets a new
    /// name, so the manifest — replaced atomically after the new file is in place — always names a
    /// whole file, whatever instant a crash hits.
    public static func fileName(sha256: String, format: String) -> String {
        let ext = format.hasSuffix("jsonl") ? "jsonl" : format.hasSuffix("json") ? "json" : "bin"
        return "transcript-\(sha256.prefix(16)).\(ext)"
    }

    /// Whether `other` describes the same transcript of the same conversation (its capture time aside).
    public func sameContent(as other: TranscriptManifest) -> Bool {
        thread == other.thread && provider == other.provider && format == other.format
            && cursor == other.cursor && size == other.size && sha256 == other.sha256 && file == other.file
    }

    public var jsonValue: JSONValue {
        [
            "version": .integer(version), "thread": .string(thread.rawValue), "provider": .string(provider),
            "format": .string(format), "cursor": cursor, "size": .integer(size), "sha256": .string(sha256),
            "file": .string(file), "capturedAt": .string(capturedAt.description),
        ]
    }

    /// The canonical file bytes.
    public var encoded: [UInt8] { JSONWriter.canonical(jsonValue) }

    /// Reads a manifest, checking every field; the error says which one is wrong.
    public init(json: JSONValue) throws(TranscriptProblem) {
        guard case .object(let members) = json else {
            throw TranscriptProblem("the manifest is \(json.kindDescription), not a JSON object")
        }
        func string(_ key: String) throws(TranscriptProblem) -> String {
            guard let text = members[key]?.stringValue, !text.isEmpty else {
                throw TranscriptProblem("the manifest's \"\(key)\" is missing or not a non-empty string")
            }
            return text
        }
        func integer(_ key: String) throws(TranscriptProblem) -> Int64 {
            guard let value = members[key]?.integerValue, value >= 0 else {
                throw TranscriptProblem("the manifest's \"\(key)\" is missing or not a non-negative integer")
            }
            return value
        }
        let version = try integer("version")
        guard version == Self.currentVersion else {
            throw TranscriptProblem(
                "the manifest has version \(version); this agentws reads version \(Self.currentVersion)")
        }
        let known: Set<String> = [
            "version", "thread", "provider", "format", "cursor", "size", "sha256", "file", "capturedAt",
        ]
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw TranscriptProblem("the manifest has an unknown field \"\(unknown)\"")
        }
        guard let thread = try? ThreadID(try string("thread")) else {
            throw TranscriptProblem("the manifest's \"thread\" is not a valid thread id")
        }
        guard let cursor = members["cursor"], cursor.objectValue != nil else {
            throw TranscriptProblem("the manifest's \"cursor\" is missing or not an object")
        }
        let sha256 = try string("sha256")
        guard sha256.utf8.count == 64,
            sha256.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            throw TranscriptProblem("the manifest's \"sha256\" is not 64 lower-case hex digits")
        }
        guard let capturedAt = UTCDateTime(rfc3339: try string("capturedAt")) else {
            throw TranscriptProblem("the manifest's \"capturedAt\" is not an RFC 3339 time")
        }
        self.init(
            thread: thread, provider: try string("provider"), format: try string("format"), cursor: cursor,
            size: try integer("size"), sha256: sha256, capturedAt: capturedAt)
        self.version = version
        let file = try string("file")
        guard file == self.file else {
            throw TranscriptProblem(
                "the manifest names the file \"\(file)\", but its hash and format give \"\(self.file)\"")
        }
    }

    /// Checks `bytes` against the manifest: size, then hash.
    public func check(_ bytes: [UInt8]) throws(TranscriptProblem) {
        guard Int64(bytes.count) == size else {
            throw TranscriptProblem(
                "the transcript is \(bytes.count) bytes but its manifest says \(size) (truncated or changed)")
        }
        let actual = SHA256.hex(of: bytes)
        guard actual == sha256 else {
            throw TranscriptProblem(
                "the transcript's SHA-256 is \(actual) but its manifest says \(sha256) (changed or damaged)")
        }
    }
}

/// Why a transcript (held in the workspace, or in a hand-off file) cannot be used.
public struct TranscriptProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
