/// A failed system call: what was attempted, on which path if any, and the errno it left.
///
/// The one errno error of agentws: storage, the plugin loader, the daemon and the plugins' child
/// processes all throw it. AgentwsStorage makes it an `AgentwsFailure` (a missing file is
/// "not found").
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was attempted: `open`, `create temporary file`, `cannot start /usr/bin/codex`.
    public let operation: String
    /// The file it was attempted on, if any.
    public let path: String?
    public let code: Int32

    /// Captures the calling thread's errno unless `code` is given; make it right after the failing
    /// call.
    public init(_ operation: String, path: String? = nil, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// `errno` right after a failed call on `path`.
    public static func last(_ operation: String, _ path: String) -> SystemError {
        SystemError(operation, path: path)
    }

    /// The C library's text for the code: `No such file or directory`.
    public var reason: String { String(cString: strerror(code)) }

    /// `<path>: cannot <operation>: <reason>` for a file, `<operation>: <reason>` otherwise.
    public var description: String {
        guard let path else { return "\(operation): \(reason)" }
        return "\(path): cannot \(operation): \(reason)"
    }
}
