import AgentwsJSON

/// Converts bindings to and from their canonical file bytes (SPEC §3.3).
///
/// Every field is always written (null when absent) so that a diff shows a value appearing as a
/// changed line rather than a new one, and the set of keys never depends on the history.
///
/// Schema 2 is written; schema 1 (which also held `status` and `lastError`) is read, its two
/// volatile fields kept aside in `Binding.legacy`. A file of a newer schema is read as far as the
/// fields this build knows go, and never written.
public enum BindingCodec {
    /// The exact bytes of `binding`'s file: same binding, same bytes. Refuses a binding holding text
    /// that only makes sense on this machine (SPEC §3.2), so that it can never reach a file
    /// (`NonPortableBinding`), and a field over its limit (`OversizedBindingField`).
    public static func encode(_ binding: Binding) throws -> [UInt8] {
        if let problem = machineSpecificValue(in: binding) {
            throw NonPortableBinding(thread: binding.threadID, field: problem.field, value: problem.value)
        }
        if let problem = oversizedField(in: binding) {
            throw OversizedBindingField(
                thread: binding.threadID, field: problem.field, size: problem.size, limit: problem.limit)
        }
        return JSONWriter.canonical(jsonValue(of: binding))
    }

    /// The upper bound of each field, in bytes of UTF-8 (the cursor: of its compact JSON). A field
    /// over its bound is refused on read and on write: a binding is a handle, never a payload, and
    /// every command reads it (an 8 MiB `cwd` made `send` take seconds).
    public enum Limits {
        /// `provider`: an instance name from the config.
        public static let provider = 256
        /// `model`, `runtimeMode`: names.
        public static let model = 4096
        public static let runtimeMode = 256
        /// `cwd`: a relative path (Linux's PATH_MAX).
        public static let cwd = 4096
        /// `resumeCursor`: opaque provider data, as compact JSON.
        public static let resumeCursor = 64 << 10
        /// The whole file; the fields' bounds and the fixed keys fit well below it.
        public static let file = 128 << 10
    }

    /// The first field of `binding` longer than its limit: name, size and limit.
    static func oversizedField(in binding: Binding) -> (field: String, size: Int, limit: Int)? {
        var sizes: [(String, Int, Int)] = [
            ("provider", binding.provider.utf8.count, Limits.provider),
            ("cwd", binding.cwd.utf8.count, Limits.cwd),
        ]
        if let model = binding.model { sizes.append(("model", model.utf8.count, Limits.model)) }
        if let mode = binding.runtimeMode {
            sizes.append(("runtimeMode", mode.utf8.count, Limits.runtimeMode))
        }
        if let cursor = binding.resumeCursor {
            sizes.append(("resumeCursor", JSONWriter.compact(cursor).count, Limits.resumeCursor))
        }
        return sizes.first { $0.1 > $0.2 }.map { (field: $0.0, size: $0.1, limit: $0.2) }
    }

    /// The binding as a JSON object in the current schema (also used by `show --json`).
    public static func jsonValue(of binding: Binding) -> JSONValue {
        .object([
            "schemaVersion": .integer(Binding.currentSchemaVersion),
            "threadId": .string(binding.threadID.rawValue),
            "provider": .string(binding.provider),
            "model": .optional(binding.model),
            "resumeCursor": binding.resumeCursor ?? .null,
            "cwd": .string(binding.cwd),
            "runtimeMode": .optional(binding.runtimeMode),
            "parent": binding.parent.map { ["thread": .string($0.thread.rawValue)] } ?? .null,
            "createdAt": .string(binding.createdAt.description),
        ])
    }

    static let knownKeys: [Int64: Set<String>] = [
        1: [
            "schemaVersion", "threadId", "provider", "model", "status", "resumeCursor", "cwd", "runtimeMode",
            "lastError", "createdAt",
        ],
        2: [
            "schemaVersion", "threadId", "provider", "model", "resumeCursor", "cwd", "runtimeMode", "parent",
            "createdAt",
        ],
    ]

    /// The first string of `binding` that names something of this machine: an absolute path (a
    /// provider's cursor may hold one; a binding must mean the same on every clone).
    static func machineSpecificValue(in binding: Binding) -> (field: String, value: String)? {
        var candidates: [(String, String)] = [("provider", binding.provider), ("cwd", binding.cwd)]
        if let model = binding.model { candidates.append(("model", model)) }
        if let mode = binding.runtimeMode { candidates.append(("runtimeMode", mode)) }
        if let cursor = binding.resumeCursor {
            for text in strings(in: cursor) { candidates.append(("resumeCursor", text)) }
        }
        return candidates.first { isAbsolutePath($0.1) }
    }

    /// Whether `text` is an absolute path of some system: `/…`, `~/…`, `C:\…`, `C:/…`, `\\server\…`.
    static func isAbsolutePath(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return false }
        if first == UInt8(ascii: "/") { return true }
        if text.hasPrefix("~/") || text == "~" { return true }
        if text.hasPrefix("\\\\") { return true }
        if bytes.count >= 3, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first & 0xDF),
            bytes[1] == UInt8(ascii: ":"), bytes[2] == UInt8(ascii: "\\") || bytes[2] == UInt8(ascii: "/")
        {
            return true
        }
        return false
    }

    private static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let items): return items.flatMap(strings(in:))
        case .object(let members): return members.flatMap { [$0.key] + strings(in: $0.value) }
        default: return []
        }
    }

    /// Decodes the bytes of the file for thread `expected`, reporting every problem as a
    /// `BindingFileProblem` so the caller can name the file.
    public static func decode(_ bytes: [UInt8], expectedThread expected: ThreadID) throws(BindingFileProblem)
        -> Binding
    {
        // Checked before parsing: an oversized file costs no more than reading its size.
        if bytes.count > Limits.file {
            throw .invalid(
                "the file is \(bytes.count) bytes; a binding file is at most \(Limits.file) bytes (a field "
                    + "is far too long; the limits are in docs/bindings.md)")
        }
        if let marker = GitConflictMarkers.firstLine(in: bytes) {
            throw .mergeConflict(line: marker, thread: expected)
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
        if members[ConflictedBinding.markerKey] != nil {
            throw .conflicted(try decodeConflict(members, expected: expected))
        }
        let fields = JSONObjectReader(members: members, path: "")
        let version = try reading { () throws(JSONFieldError) in
            try fields.typed("schemaVersion", "a whole number of 1 or more") { value in
                value.integerValue.flatMap { $0 >= 1 ? $0 : nil }
            }
        }
        // A newer file is still read as far as the fields we know go, so list/show work; the store
        // refuses to write it.
        if version <= Binding.currentSchemaVersion, let known = knownKeys[version] {
            try reading { () throws(JSONFieldError) in try fields.refuseUnknown(known.sorted()) }
        }
        let threadText = try reading { () throws(JSONFieldError) in try fields.string("threadId") }
        guard threadText == expected.rawValue else {
            throw .threadMismatch(found: threadText)
        }
        var binding = try reading { () throws(JSONFieldError) in try decodeFields(fields, thread: expected) }
        binding.schemaVersion = version
        if let problem = oversizedField(in: binding) {
            throw .field(
                JSONFieldError(
                    path: problem.field, expected: "at most \(problem.limit) bytes",
                    found: members[problem.field]),
                advice: "it is \(problem.size) bytes (the limits are in docs/bindings.md). Fix the field or "
                    + "'agentws unbind' the thread.")
        }
        if version == 1 {
            binding.legacy = try reading { () throws(JSONFieldError) in try decodeLegacy(fields) }
        }
        return binding
    }

    /// `read`'s value, a field's problem made the file's.
    private static func reading<Value>(_ read: () throws(JSONFieldError) -> Value) throws(BindingFileProblem)
        -> Value
    {
        do {
            return try read()
        } catch {
            throw .field(error)
        }
    }

    /// A conflict document written by `agentws merge-driver` (`ConflictedBinding`).
    private static func decodeConflict(_ members: [String: JSONValue], expected: ThreadID)
        throws(BindingFileProblem)
        -> ConflictedBinding
    {
        func side(_ key: String) throws(BindingFileProblem) -> Binding? {
            guard let value = members[key], value != .null else { return nil }
            do {
                return try decode(JSONWriter.canonical(value), expectedThread: expected)
            } catch .field(let problem, let advice) {
                // The side's own field, by its path in the conflict document: `ours.provider`.
                let path = problem.path.isEmpty ? key : key + "." + problem.path
                throw .field(
                    JSONFieldError(path: path, expected: problem.expected, found: problem.found),
                    advice: advice)
            } catch {
                throw .invalid("the merge conflict's \"\(key)\" side is not a valid binding: \(error)")
            }
        }
        func requiredSide(_ key: String) throws(BindingFileProblem) -> Binding {
            guard let binding = try side(key) else {
                throw .field(
                    JSONFieldError(
                        path: key, expected: "a binding (a merge conflict document holds both sides)",
                        found: members[key]))
            }
            return binding
        }
        let ours = try requiredSide("ours")
        let theirs = try requiredSide("theirs")
        let fields = (members[ConflictedBinding.markerKey]?["fields"]?.arrayValue ?? []).compactMap(
            \.stringValue)
        return ConflictedBinding(
            thread: expected, base: try side("base"), ours: ours, theirs: theirs,
            fields: fields.isEmpty ? BindingMerge.differences(ours, theirs) : fields)
    }

    /// The fields after `threadId`, which the caller has checked against the file's name.
    private static func decodeFields(_ fields: JSONObjectReader, thread: ThreadID) throws(JSONFieldError)
        -> Binding
    {
        let provider = try fields.typed("provider", "a non-empty string") { value in
            value.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        }
        let cursor = try fields.optionalTyped("resumeCursor", "an object or null") { value in
            value.objectValue == nil ? nil : value
        }
        let cwd = try fields.string("cwd")
        if cwd.hasPrefix("/") || cwd.isEmpty {
            throw fields.problem(
                "cwd", expected: "a path relative to the workspace root", found: .string(cwd))
        }
        if cwd.split(separator: "/").contains("..") {
            throw fields.problem("cwd", expected: "a path inside the workspace", found: .string(cwd))
        }
        let createdAt = try fields.typed("createdAt", "an RFC 3339 time") { value in
            value.stringValue.flatMap(UTCDateTime.init(rfc3339:))
        }
        return Binding(
            threadID: thread, provider: provider, model: try fields.optionalString("model"),
            resumeCursor: cursor, cwd: cwd, runtimeMode: try fields.optionalString("runtimeMode"),
            parent: try decodeParent(fields), createdAt: createdAt)
    }

    private static func decodeParent(_ fields: JSONObjectReader) throws(JSONFieldError) -> Binding.Parent? {
        let parent = try fields.optionalTyped("parent", #"null or {"thread": "<thread id>"}"#) { value in
            value.objectValue.map { JSONObjectReader(members: $0, path: fields.path(of: "parent")) }
        }
        guard let parent else { return nil }
        try parent.refuseUnknown(["thread"])
        let thread = try parent.typed("thread", "a thread id") { value in
            value.stringValue.flatMap { try? ThreadID($0) }
        }
        return Binding.Parent(thread: thread)
    }

    private static let legacyStatuses: Set<String> = ["active", "stopped", "error"]

    private static func decodeLegacy(_ fields: JSONObjectReader) throws(JSONFieldError)
        -> Binding.LegacyRuntime
    {
        let status = try fields.typed("status", "one of active, stopped, error") { value in
            value.stringValue.flatMap { legacyStatuses.contains($0) ? $0 : nil }
        }
        return Binding.LegacyRuntime(status: status, lastError: try fields.optionalString("lastError"))
    }
}

/// Why a binding file could not be used. The store wraps it with the file's path.
public enum BindingFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case syntax(JSONSyntaxError)
    /// git's text conflict markers (a merge without the agentws merge driver).
    case mergeConflict(line: Int, thread: ThreadID)
    /// The agentws merge driver's conflict document: both sides, readable.
    case conflicted(ConflictedBinding)
    case threadMismatch(found: String)
    /// A field that is missing or wrong, in the wording of every JSON reader, with the field's path
    /// (`resumeCursor: expected an object or null, found 3`), and what to do when there is more to
    /// say.
    case field(JSONFieldError, advice: String? = nil)
    /// A problem of the whole file (its size, not an object).
    case invalid(String)

    public var description: String {
        switch self {
        case .syntax(let error):
            return "JSON syntax error at line \(error.line), column \(error.column): \(error.reason)"
        case .mergeConflict(let line, let thread):
            return
                "unresolved git merge-conflict marker at line \(line); end it with 'agentws resolve \(thread) --ours|--theirs|--both' (or keep one version by hand). Registering the merge driver ('agentws init' in the repository) merges most binding changes on its own."
        case .conflicted(let conflict):
            return
                "merge conflict: both branches changed thread \(conflict.thread) differently (\(conflict.summary)); end it with '\(conflict.resolveCommand)', then 'git add' the file"
        case .threadMismatch(let found):
            let problem = JSONFieldError(
                path: "threadId", expected: "the thread named by the file's name", found: .string(found))
            return "\(problem); rename the file or fix the field"
        case .field(let problem, let advice):
            return advice.map { "\(problem); \($0)" } ?? "\(problem)"
        case .invalid(let reason): return reason
        }
    }

    /// The 1-based line the problem is on, when known.
    public var line: Int? {
        switch self {
        case .syntax(let error): return error.line
        case .mergeConflict(let line, _): return line
        default: return nil
        }
    }
}
