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

    /// Reads a manifest, checking every field; the error names the field by its path (`sha256:
    /// expected 64 lower-case hex digits, found "xyz"`), in the words of every typed JSON reader.
    public init(json: JSONValue, path: String = "") throws(TranscriptProblem) {
        let read: Fields
        do {
            read = try Fields(json, path: path)
        } catch {
            throw TranscriptProblem(error.description)
        }
        guard read.version == Self.currentVersion else {
            throw TranscriptProblem(
                "the manifest has version \(read.version); this agentws reads version \(Self.currentVersion)")
        }
        if let unknown = read.unknown { throw TranscriptProblem(unknown.description) }
        self.init(
            thread: read.thread, provider: read.provider, format: read.format, cursor: read.cursor,
            size: read.size, sha256: read.sha256, capturedAt: read.capturedAt)
        self.version = read.version
        guard read.file == file else {
            throw TranscriptProblem(
                "the manifest names the file \"\(read.file)\", but its hash and format give \"\(file)\"")
        }
    }

    /// The manifest's members, each of its type; the version is read first so that a newer manifest
    /// is named as such rather than by the member it added.
    private struct Fields {
        var version: Int64
        var unknown: JSONFieldError?
        var thread: ThreadID
        var provider, format, sha256, file: String
        var cursor: JSONValue
        var size: Int64
        var capturedAt: UTCDateTime

        init(_ json: JSONValue, path: String) throws(JSONFieldError) {
            let fields = try JSONObjectReader(json, path: path)
            version = try fields.typed("version", "a whole number of 1 or more") { value in
                value.integerValue.flatMap { $0 >= 1 ? $0 : nil }
            }
            do {
                try fields.refuseUnknown([
                    "version", "thread", "provider", "format", "cursor", "size", "sha256", "file",
                    "capturedAt",
                ])
            } catch {
                unknown = error
            }
            func text(_ key: String) throws(JSONFieldError) -> String {
                try fields.typed(key, "a non-empty string") {
                    $0.stringValue.flatMap { $0.isEmpty ? nil : $0 }
                }
            }
            thread = try fields.typed("thread", "a thread id") {
                $0.stringValue.flatMap { try? ThreadID($0) }
            }
            provider = try text("provider")
            format = try text("format")
            cursor = try fields.typed("cursor", "an object") { $0.objectValue != nil ? $0 : nil }
            size = try fields.typed("size", "a whole number of 0 or more") { value in
                value.integerValue.flatMap { $0 >= 0 ? $0 : nil }
            }
            sha256 = try fields.typed("sha256", "64 lower-case hex digits") { value in
                value.stringValue.flatMap { hex in
                    hex.utf8.count == 64
                        && hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
                        ? hex : nil
                }
            }
            file = try text("file")
            capturedAt = try fields.typed("capturedAt", "an RFC 3339 time") {
                $0.stringValue.flatMap { UTCDateTime(rfc3339: $0) }
            }
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
