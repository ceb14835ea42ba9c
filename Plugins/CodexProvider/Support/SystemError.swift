import Glibc

/// A failed system call: what was attempted and the errno it left.
struct SystemError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32

    /// Captures the calling thread's errno; make it right after the failing call.
    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}
