import AgentwsSystem

/// An append-only log file (the daemon's `state/logs/daemon.log`), shared by every handler that
/// writes to it. Each line is one `write` on an `O_APPEND` descriptor, under a lock, so lines never
/// interleave. A daemon runs for weeks, so the file is rotated: past `limit` bytes it becomes
/// `<path>.1` (replacing the previous one) and a new file starts.
package final class LogFile: Sendable {
    package let path: String
    package let limit: Int
    private let state: Locked<(descriptor: Int32, size: Int)>

    /// Opens (creating, mode 0600) the file at `path` for appending.
    package init(path: String, limit: Int = 8 * 1024 * 1024) throws {
        let fd = try Self.open(path)
        self.path = path
        self.limit = limit
        self.state = Locked((fd, Self.size(of: fd)))
    }

    deinit { _ = state.withLock { close($0.descriptor) } }

    func append(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        state.withLock { state in
            if state.size > 0, state.size + bytes.count > limit, let fresh = rotate() {
                close(state.descriptor)
                state = (fresh, 0)
            }
            let written = bytes.withUnsafeBytes { write(state.descriptor, $0.baseAddress, $0.count) }
            if written > 0 { state.size += written }
        }
    }

    /// Moves the full file aside and opens a new one; nil (keep writing where we are) on failure.
    private func rotate() -> Int32? {
        guard rename(path, path + ".1") == 0 else { return nil }
        return try? Self.open(path)
    }

    private static func open(_ path: String) throws(LogFileError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LogFileError(path: path, reason: String(cString: strerror(errno))) }
        return fd
    }

    private static func size(of fd: Int32) -> Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }
}

struct LogFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot open the log file \(path): \(reason)" }
}
