import Foundation

/// A fresh directory under the system's temporary directory, removed with everything in it by
/// `remove()` or when the last reference goes. (A test that uses only the path keeps the value alive
/// with `defer { directory.remove() }`: ARC may end a reference after its last use.)
/// (`public`, not `package`: `TestWorkspace`'s designated initializer takes one and must be public,
/// because a `package` designated initializer of an open class makes Swift 6.3 warn of infinite
/// recursion in every subclass in another module.)
public final class TemporaryDirectory: Sendable {
    package let path: String

    /// Creates `<tmp>/<prefix>-XXXXXX` with `mode` (mkdtemp's 0700 unless told; a test in which
    /// another user reaches into the directory needs 0755).
    package init(prefix: String = "agentws-test", mode: mode_t = 0o700) throws {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else {
            throw TestFailure("mkdtemp \(template): \(String(cString: strerror(errno)))")
        }
        path = String(cString: created)
        if mode != 0o700, chmod(path, mode) != 0 {
            throw TestFailure("chmod \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the directory and everything in it.
    package func remove() { try? FileManager.default.removeItem(atPath: path) }

    deinit { remove() }
}
