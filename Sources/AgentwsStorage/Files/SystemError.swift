import AgentwsCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed system call on a file, with the path and the operating system's reason.
public struct FileSystemError: AgentwsFailure, Equatable {
    public let path: String
    public let operation: String
    public let errorNumber: Int32

    public init(path: String, operation: String, errorNumber: Int32) {
        self.path = path
        self.operation = operation
        self.errorNumber = errorNumber
    }

    /// Captures `errno` right after a failed call.
    static func last(_ operation: String, _ path: String) -> FileSystemError {
        FileSystemError(path: path, operation: operation, errorNumber: errno)
    }

    public var category: ErrorCategory { errorNumber == ENOENT ? .notFound : .failure }

    public var description: String {
        let reason = String(cString: strerror(errorNumber))
        return "\(path): cannot \(operation): \(reason)"
    }
}
