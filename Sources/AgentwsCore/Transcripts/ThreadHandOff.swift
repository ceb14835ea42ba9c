import AgentwsJSON

/// The file `agentws export` writes and `agentws import` reads (SPEC §11): one thread, self-contained.
///
///     agentws-thread-export 1\n
///     {"binding": {…the binding file's fields…}, "transcript": {…manifest…} or null}\n
///     <exactly transcript.size bytes: the provider's transcript>
///
/// The header line names the format and its version; the JSON line is compact; the transcript
/// follows byte for byte, checked on import against the manifest's size and SHA-256, so a truncated
/// or altered file is refused. docs/transcripts.md describes it.
public struct ThreadHandOff: Sendable, Equatable {
    public static let magic = "agentws-thread-export"
    public static let currentVersion = 1

    public var binding: Binding
    /// The transcript and its manifest; nil for a thread with no provider conversation yet.
    public var transcript: (manifest: TranscriptManifest, bytes: [UInt8])?

    public init(binding: Binding, transcript: (manifest: TranscriptManifest, bytes: [UInt8])?) {
        self.binding = binding
        self.transcript = transcript
    }

    public static func == (lhs: ThreadHandOff, rhs: ThreadHandOff) -> Bool {
        lhs.binding == rhs.binding && lhs.transcript?.manifest == rhs.transcript?.manifest
            && lhs.transcript?.bytes == rhs.transcript?.bytes
    }

    public var encoded: [UInt8] {
        let header: JSONValue = [
            "binding": BindingCodec.jsonValue(of: binding),
            "transcript": transcript?.manifest.jsonValue ?? .null,
        ]
        var bytes = Array("\(Self.magic) \(Self.currentVersion)\n".utf8)
        bytes += JSONWriter.compact(header)
        bytes.append(UInt8(ascii: "\n"))
        if let transcript { bytes += transcript.bytes }
        return bytes
    }

    /// Reads and checks a hand-off file; the problem says what is wrong with it.
    public init(decoding bytes: [UInt8]) throws(TranscriptProblem) {
        guard let firstEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            throw TranscriptProblem("it is not an agentws thread export (no header line)")
        }
        let first = String(decoding: bytes[..<firstEnd], as: UTF8.self)
        let words = first.split(separator: " ")
        guard words.count == 2, words[0] == Self.magic else {
            throw TranscriptProblem(
                "it is not an agentws thread export (it does not start with '\(Self.magic) \(Self.currentVersion)')"
            )
        }
        guard words[1] == String(Self.currentVersion) else {
            throw TranscriptProblem(
                "it is an agentws thread export of version \(words[1]); this agentws reads version \(Self.currentVersion)"
            )
        }
        let rest = bytes[(firstEnd + 1)...]
        guard let secondEnd = rest.firstIndex(of: UInt8(ascii: "\n")) else {
            throw TranscriptProblem("it is truncated (the description line does not end)")
        }
        let header: JSONValue
        do {
            header = try JSONParser.parse(bytes: Array(rest[..<secondEnd]))
        } catch {
            throw TranscriptProblem("its description line is not valid JSON: \(error)")
        }
        guard let bindingJSON = header["binding"], let threadText = bindingJSON["threadId"]?.stringValue,
            let thread = try? ThreadID(threadText)
        else {
            throw TranscriptProblem("its description has no binding with a valid threadId")
        }
        do {
            binding = try BindingCodec.decode(JSONWriter.canonical(bindingJSON), expectedThread: thread)
        } catch {
            throw TranscriptProblem("its binding is not valid: \(error)")
        }
        if binding.schemaVersion > Binding.currentSchemaVersion {
            throw TranscriptProblem(
                "its binding has schema version \(binding.schemaVersion), newer than this agentws; upgrade agentws"
            )
        }
        let body = Array(rest[(secondEnd + 1)...])
        guard let manifestJSON = header["transcript"], manifestJSON != .null else {
            guard body.isEmpty else {
                throw TranscriptProblem(
                    "it has \(body.count) bytes after its description but names no transcript")
            }
            guard binding.resumeCursor == nil else {
                throw TranscriptProblem("its binding has a cursor but the file carries no transcript of it")
            }
            transcript = nil
            return
        }
        let manifest: TranscriptManifest
        do {
            manifest = try TranscriptManifest(json: manifestJSON, path: "transcript")
        } catch {
            throw TranscriptProblem("its transcript description is not valid: \(error.reason)")
        }
        guard manifest.thread == thread else {
            throw TranscriptProblem(
                "its transcript is of thread \(manifest.thread), its binding of \(thread)")
        }
        guard manifest.provider == binding.provider, manifest.cursor == binding.resumeCursor else {
            throw TranscriptProblem(
                "its transcript is of another conversation than its binding's (provider or cursor differ)")
        }
        if Int64(body.count) < manifest.size {
            throw TranscriptProblem(
                "it is truncated: the transcript has \(body.count) of its \(manifest.size) bytes")
        }
        if Int64(body.count) > manifest.size {
            throw TranscriptProblem(
                "it has \(Int64(body.count) - manifest.size) bytes more than its \(manifest.size)-byte transcript"
            )
        }
        do {
            try manifest.check(body)
        } catch {
            throw TranscriptProblem("it was changed after the export: \(error.reason)")
        }
        transcript = (manifest, body)
    }
}
