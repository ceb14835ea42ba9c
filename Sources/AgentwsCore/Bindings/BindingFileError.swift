/// A binding file that cannot be used, with its path and the reason (SPEC §3.3).
public struct BindingFileError: AgentwsFailure, Equatable {
    public let path: String
    public let problem: BindingFileProblem

    public init(path: String, problem: BindingFileProblem) {
        self.path = path
        self.problem = problem
    }

    public var category: ErrorCategory { .invalidData }

    public var description: String {
        if let line = problem.line, case .syntax(let error) = problem {
            return "\(path):\(line):\(error.column): \(problem)"
        }
        if let line = problem.line { return "\(path):\(line): \(problem)" }
        return "\(path): \(problem)"
    }
}

/// A binding written by a newer agentws: readable, but this build must not rewrite it.
public struct NewerBindingSchema: AgentwsFailure, Equatable {
    public let path: String
    public let version: Int64

    public init(path: String, version: Int64) {
        self.path = path
        self.version = version
    }

    public var category: ErrorCategory { .invalidData }

    public var description: String {
        "\(path): schema version \(version) is newer than this agentws understands (\(Binding.currentSchemaVersion)); it can be read but not changed. Upgrade agentws to modify this thread."
    }
}

/// One entry of a listing: a binding, or the reason its file could not be read.
public enum BindingListing: Sendable, Equatable {
    case binding(Binding)
    case unreadable(thread: String, error: BindingFileError)

    /// The thread's id as written in the file name.
    public var threadName: String {
        switch self {
        case .binding(let binding): return binding.threadID.rawValue
        case .unreadable(let thread, _): return thread
        }
    }
}

/// A binding that would carry something of this machine into a file shared through git (SPEC §3.2):
/// refused before any byte is written.
public struct NonPortableBinding: AgentwsFailure, Equatable {
    public let thread: ThreadID
    public let field: String
    public let value: String

    public init(thread: ThreadID, field: String, value: String) {
        self.thread = thread
        self.field = field
        self.value = value
    }

    public var category: ErrorCategory { .providerFailure }

    public var description: String {
        "thread \(thread): refusing to write \"\(field)\" holding the absolute path \"\(value)\" into the binding file; a binding must mean the same on every clone of the repository. The provider that produced it must keep such paths out of its cursor (report it to the plugin's author)."
    }
}

/// A binding with a field over its upper bound (`BindingCodec.Limits`): refused before any byte is
/// written, naming the field and the limit.
public struct OversizedBindingField: AgentwsFailure, Equatable {
    public let thread: ThreadID
    public let field: String
    /// Its size in bytes (the cursor: of its compact JSON).
    public let size: Int
    public let limit: Int

    public init(thread: ThreadID, field: String, size: Int, limit: Int) {
        self.thread = thread
        self.field = field
        self.size = size
        self.limit = limit
    }

    public var category: ErrorCategory { .invalidData }

    public var description: String {
        "thread \(thread): refusing to write \"\(field)\" of \(size) bytes into the binding file; the limit is \(limit) bytes (docs/bindings.md). A binding holds a handle to the conversation, not its contents."
    }
}
