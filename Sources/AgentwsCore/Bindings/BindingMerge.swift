import AgentwsJSON

/// A three-way merge of one thread's binding (SPEC §13), for `agentws merge-driver`.
///
/// Each durable field is merged on its own: a field changed on one side only takes that change; a
/// field changed the same way on both sides takes it; a field changed differently on both sides is a
/// conflict — the conversation really split — and nothing is guessed.
public enum BindingMerge {
    public enum Outcome: Sendable, Equatable {
        case merged(Binding)
        case conflict(ConflictedBinding)
    }

    /// Merges `ours` and `theirs` against `base` (nil when both sides added the thread).
    public static func merge(base: Binding?, ours: Binding, theirs: Binding) -> Outcome {
        if ours.means(theirs) { return .merged(current(ours)) }
        guard let base else {
            return .conflict(
                ConflictedBinding(
                    thread: ours.threadID, base: nil, ours: current(ours), theirs: current(theirs),
                    fields: differences(ours, theirs)))
        }
        var merged = current(ours)
        var conflicts: [String] = []
        func pick<Value: Equatable>(_ name: String, _ field: WritableKeyPath<Binding, Value>) {
            let (o, t, b) = (ours[keyPath: field], theirs[keyPath: field], base[keyPath: field])
            if o == t || t == b { return }
            if o == b {
                merged[keyPath: field] = t
            } else {
                conflicts.append(name)
            }
        }
        pick("provider", \.provider)
        pick("model", \.model)
        pick("resumeCursor", \.resumeCursor)
        pick("cwd", \.cwd)
        pick("runtimeMode", \.runtimeMode)
        pick("parent", \.parent)
        pick("createdAt", \.createdAt)
        if conflicts.isEmpty { return .merged(merged) }
        return .conflict(
            ConflictedBinding(
                thread: ours.threadID, base: current(base), ours: current(ours), theirs: current(theirs),
                fields: conflicts))
    }

    /// The names of the durable fields in which `a` and `b` differ.
    static func differences(_ a: Binding, _ b: Binding) -> [String] {
        var names: [String] = []
        if a.provider != b.provider { names.append("provider") }
        if a.model != b.model { names.append("model") }
        if a.resumeCursor != b.resumeCursor { names.append("resumeCursor") }
        if a.cwd != b.cwd { names.append("cwd") }
        if a.runtimeMode != b.runtimeMode { names.append("runtimeMode") }
        if a.parent != b.parent { names.append("parent") }
        if a.createdAt != b.createdAt { names.append("createdAt") }
        return names
    }

    /// The binding as the current schema writes it.
    static func current(_ binding: Binding) -> Binding {
        var binding = binding
        binding.schemaVersion = Binding.currentSchemaVersion
        binding.legacy = nil
        return binding
    }
}

/// Two versions of one thread's binding that a merge could not reconcile. Written by
/// `agentws merge-driver` in place of the binding, as a JSON document agentws reads (`list`, `show`
/// and `doctor` report it with both sides) and `agentws resolve` ends.
public struct ConflictedBinding: Sendable, Equatable {
    public var thread: ThreadID
    public var base: Binding?
    public var ours: Binding
    public var theirs: Binding
    /// The fields changed differently on both sides.
    public var fields: [String]

    public init(thread: ThreadID, base: Binding?, ours: Binding, theirs: Binding, fields: [String]) {
        self.thread = thread
        self.base = base
        self.ours = ours
        self.theirs = theirs
        self.fields = fields
    }

    /// The marker key that makes a file a conflict document rather than a binding.
    public static let markerKey = "agentwsConflict"

    /// The command that ends the conflict.
    public var resolveCommand: String { "agentws resolve \(thread) --ours|--theirs|--both" }

    /// The document's bytes: canonical JSON, each side a complete binding.
    public func encode() -> [UInt8] {
        JSONWriter.canonical(
            .object([
                Self.markerKey: [
                    "fields": .array(fields.map(JSONValue.string)),
                    "resolve": .string(resolveCommand),
                    "explanation": .string(
                        "both branches changed this thread differently; the two conversations really split. Keep one side, or both (theirs becomes a fork)."
                    ),
                ],
                "threadId": .string(thread.rawValue),
                "base": base.map(BindingCodec.jsonValue(of:)) ?? .null,
                "ours": BindingCodec.jsonValue(of: ours),
                "theirs": BindingCodec.jsonValue(of: theirs),
            ]))
    }

    /// One line per conflicting field, ours against theirs, for messages.
    public var summary: String {
        fields.map { field in
            "\(field): ours \(Self.text(field, ours)), theirs \(Self.text(field, theirs))"
        }.joined(separator: "; ")
    }

    static func text(_ field: String, _ binding: Binding) -> String {
        let value = BindingCodec.jsonValue(of: binding)[field] ?? .null
        return JSONWriter.compactString(value)
    }
}
