#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An append-only log file (the daemon's `state/logs/daemon.log`), shared by every handler that
/// writes to it. Each line is one `write` on an `O_APPEND` descriptor, so lines never interleave.
public final class LogFile: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Opens (creating, mode 0600) the file at `path` for appending.
    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LogFileError(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.descriptor = fd
    }

    deinit { close(descriptor) }

    func append(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}

struct LogFileError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "cannot open the log file \(path): \(reason)" }
}
