import AgentwsJSON

/// Converts bindings to and from their canonical file bytes (SPEC §3.3).
///
/// Every field is always written (null when absent) so that a diff shows a value appearing as a
/// changed line rather than a new one, and the set of keys never depends on the history.
public enum BindingCodec {
    /// The exact bytes of `binding`'s file: same binding, same bytes.
    public static func encode(_ binding: Binding) -> [UInt8] {
        JSONWriter.canonical(jsonValue(of: binding))
    }

    /// The binding as a JSON object (also used by `show --json`).
    public static func jsonValue(of binding: Binding) -> JSONValue {
        .object([
            "schemaVersion": .integer(binding.schemaVersion),
            "threadId": .string(binding.threadID.rawValue),
            "provider": .string(binding.provider),
            "model": .optional(binding.model),
            "status": .string(binding.status.rawValue),
            "resumeCursor": binding.resumeCursor ?? .null,
            "cwd": .string(binding.cwd),
            "runtimeMode": .optional(binding.runtimeMode),
            "lastError": .optional(binding.lastError),
            "createdAt": .string(binding.createdAt.description),
        ])
    }

    static let knownKeys: Set<String> = [
        "schemaVersion", "threadId", "provider", "model", "status", "resumeCursor", "cwd", "runtimeMode",
        "lastError", "createdAt",
    ]

    /// Decodes the bytes of the file for thread `expected`, reporting every problem as a
    /// `BindingFileProblem` so the caller can name the file.
    public static func decode(_ bytes: [UInt8], expectedThread expected: ThreadID) throws(BindingFileProblem)
        -> Binding
    {
        if let marker = conflictMarkerLine(in: bytes) {
            throw .mergeConflict(line: marker)
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes: bytes)
        } catch {
            throw .syntax(error)
        }
        guard case .object(let members) = document else {
            throw .invalid("the file holds \(document.kindDescription), not a JSON object")
        }
        guard let versionValue = members["schemaVersion"] else {
            throw .invalid("\"schemaVersion\" is missing")
        }
        guard let version = versionValue.integerValue, version >= 1 else {
            throw .invalid("\"schemaVersion\" must be a positive integer, found \(versionValue)")
        }
        if version > Binding.currentSchemaVersion {
            // A newer file is still read as far as the fields we know go, so list/show work; the
            // store refuses to write it.
            return try decodeFields(members, version: version, expected: expected, strict: false)
        }
        return try decodeFields(members, version: version, expected: expected, strict: true)
    }

    private static func decodeFields(
        _ members: [String: JSONValue], version: Int64, expected: ThreadID, strict: Bool
    ) throws(BindingFileProblem) -> Binding {
        if strict {
            let unknown = members.keys.filter { !knownKeys.contains($0) }.sorted()
            if let first = unknown.first {
                throw .invalid(
                    "unknown field \"\(first)\" (schema version \(version) has: \(knownKeys.sorted().joined(separator: ", ")))"
                )
            }
        }
        func requiredString(_ key: String) throws(BindingFileProblem) -> String {
            guard let value = members[key] else { throw .invalid("\"\(key)\" is missing") }
            guard let text = value.stringValue else {
                throw .invalid("\"\(key)\" must be a string, found \(value.kindDescription)")
            }
            return text
        }
        func optionalString(_ key: String) throws(BindingFileProblem) -> String? {
            guard let value = members[key], value != .null else { return nil }
            guard let text = value.stringValue else {
                throw .invalid("\"\(key)\" must be a string or null, found \(value.kindDescription)")
            }
            return text
        }
        let threadText = try requiredString("threadId")
        guard threadText == expected.rawValue else {
            throw .threadMismatch(found: threadText)
        }
        let provider = try requiredString("provider")
        if provider.isEmpty { throw .invalid("\"provider\" is empty") }
        let statusText = try requiredString("status")
        guard let status = Binding.Status(rawValue: statusText) else {
            throw .invalid("\"status\" is \"\(statusText)\"; expected one of active, stopped, error")
        }
        let cursor = members["resumeCursor"] ?? .null
        if cursor != .null, cursor.objectValue == nil {
            throw .invalid("\"resumeCursor\" must be an object or null, found \(cursor.kindDescription)")
        }
        let cwd = try requiredString("cwd")
        if cwd.hasPrefix("/") || cwd.isEmpty {
            throw .invalid("\"cwd\" must be a path relative to the workspace root, found \"\(cwd)\"")
        }
        if cwd.split(separator: "/").contains("..") {
            throw .invalid("\"cwd\" must stay inside the workspace, found \"\(cwd)\"")
        }
        let createdText = try requiredString("createdAt")
        guard let createdAt = UTCDateTime(rfc3339: createdText) else {
            throw .invalid("\"createdAt\" is not an RFC 3339 time: \"\(createdText)\"")
        }
        return Binding(
            threadID: expected, provider: provider, model: try optionalString("model"), status: status,
            resumeCursor: cursor == .null ? nil : cursor, cwd: cwd,
            runtimeMode: try optionalString("runtimeMode"),
            lastError: try optionalString("lastError"), createdAt: createdAt, schemaVersion: version)
    }

    /// The 1-based line of the first git merge-conflict marker, if any.
    static func conflictMarkerLine(in bytes: [UInt8]) -> Int? {
        var line = 1
        var atLineStart = true
        var index = 0
        let markers: [[UInt8]] = [
            Array("<<<<<<< ".utf8), Array("=======".utf8), Array(">>>>>>> ".utf8), Array("<<<<<<<\n".utf8),
            Array(">>>>>>>\n".utf8),
        ]
        while index < bytes.count {
            if atLineStart {
                for marker in markers where bytes[index...].starts(with: marker) {
                    // "=======" must be the whole line to count.
                    if marker == Array("=======".utf8) {
                        let end = index + marker.count
                        if end < bytes.count && bytes[end] != UInt8(ascii: "\n")
                            && bytes[end] != UInt8(ascii: "\r")
                        {
                            continue
                        }
                    }
                    return line
                }
            }
            atLineStart = bytes[index] == UInt8(ascii: "\n")
            if atLineStart { line += 1 }
            index += 1
        }
        return nil
    }
}

/// Why a binding file could not be used. The store wraps it with the file's path.
public enum BindingFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case syntax(JSONSyntaxError)
    case mergeConflict(line: Int)
    case threadMismatch(found: String)
    case invalid(String)

    public var description: String {
        switch self {
        case .syntax(let error):
            return "JSON syntax error at line \(error.line), column \(error.column): \(error.reason)"
        case .mergeConflict(let line):
            return
                "unresolved git merge-conflict marker at line \(line); resolve the conflict and keep one version"
        case .threadMismatch(let found):
            return
                "\"threadId\" is \"\(found)\" but the file name says otherwise; rename the file or fix the field"
        case .invalid(let reason): return reason
        }
    }

    /// The 1-based line the problem is on, when known.
    public var line: Int? {
        switch self {
        case .syntax(let error): return error.line
        case .mergeConflict(let line): return line
        default: return nil
        }
    }
}
