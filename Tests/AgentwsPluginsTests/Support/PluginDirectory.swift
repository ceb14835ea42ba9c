import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Testing

/// A fresh plugin directory under the temporary directory (mode 0700, owned by the current user),
/// removed at deinit.
final class PluginDirectory {
    private let directory: TemporaryDirectory
    var path: String { directory.path }

    init() throws { directory = try TemporaryDirectory(prefix: "agentws-plugins") }

    /// The absolute path of `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Creates a subdirectory with `mode` and returns its path.
    func makeDirectory(_ name: String, mode: mode_t = 0o700) throws -> String {
        let directory = file(name)
        try check(mkdir(directory, 0o700), "mkdir \(directory)")
        try check(chmod(directory, mode), "chmod \(directory)")
        return directory
    }

    /// Copies a file into the directory with mode 0755.
    @discardableResult
    func install(_ source: String, as name: String) throws -> String {
        try write(try Data(contentsOf: URL(fileURLWithPath: source)), to: name)
    }

    /// Writes bytes into the directory with mode 0755 (the umask does not matter).
    @discardableResult
    func write(_ data: Data, to name: String, mode: mode_t = 0o755) throws -> String {
        let target = file(name)
        try data.write(to: URL(fileURLWithPath: target))
        try check(chmod(target, mode), "chmod \(target)")
        return target
    }

    /// Creates a symbolic link `name` pointing at `target`.
    func link(_ name: String, to target: String) throws {
        try check(symlink(target, file(name)), "symlink \(name)")
    }

    private func check(_ result: Int32, _ what: String) throws {
        try #require(result == 0, "\(what): \(String(cString: strerror(errno)))")
    }
}
