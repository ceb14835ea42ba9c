import Foundation

/// A fresh directory under the system's temporary directory, removed with everything in it when the
/// last reference goes.
package final class TemporaryDirectory: Sendable {
    package let path: String

    /// Creates `<tmp>/<prefix>-XXXXXX`.
    package init(prefix: String = "agentws-test") throws {
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else {
            throw TestFailure("mkdtemp \(template): \(String(cString: strerror(errno)))")
        }
        path = String(cString: created)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
