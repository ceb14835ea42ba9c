import Glibc

/// A failed system call: what was attempted and the errno it left.
package struct SystemError: Error, Sendable, CustomStringConvertible {
    package let operation: String
    package let code: Int32

    /// Captures the calling thread's errno; make it right after the failing call.
    package init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    package var description: String { "\(operation): \(String(cString: strerror(code)))" }
}
