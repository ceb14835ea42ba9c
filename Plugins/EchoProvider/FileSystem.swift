#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failed file operation: what was done to which path, and the system's reason.
struct FileError: Error, CustomStringConvertible {
    let operation: String
    let path: String
    let code: Int32

    var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}

/// The few file operations echo needs, on the C library so that errors keep their errno.
enum FileSystem {
    /// Creates `path` (mode 0700) unless it is already there.
    static func makeDirectory(_ path: String) throws(FileError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw FileError(operation: "create directory", path: path, code: errno)
        }
    }

    /// The contents of `path`, or nil when it does not exist.
    static func contents(of path: String) throws(FileError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw FileError(operation: "open", path: path, code: errno)
        }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "read", path: path, code: errno)
            }
            if count == 0 { return contents }
            contents.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes `bytes` to `path` whole, replacing what was there.
    static func writeReplacing(_ path: String, _ bytes: [UInt8]) throws(FileError) {
        let temporary = try writeTemporary(besides: path, bytes)
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw FileError(operation: "rename \(temporary) to", path: path, code: code)
        }
        syncDirectory(of: path)
    }

    /// Writes `bytes` to `path` whole unless `path` exists; returns whether it wrote.
    static func writeNew(_ path: String, _ bytes: [UInt8]) throws(FileError) -> Bool {
        let temporary = try writeTemporary(besides: path, bytes)
        defer { unlink(temporary) }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return false }
            throw FileError(operation: "link \(temporary) to", path: path, code: errno)
        }
        syncDirectory(of: path)
        return true
    }

    /// Removes `path`; a missing file is not an error.
    static func removeFile(_ path: String) throws(FileError) {
        if unlink(path) != 0 && errno != ENOENT {
            throw FileError(operation: "remove", path: path, code: errno)
        }
    }

    /// Writes and syncs a new file next to `path`, returning its name.
    private static func writeTemporary(besides path: String, _ bytes: [UInt8]) throws(FileError) -> String {
        var generator = SystemRandomNumberGenerator()
        let temporary = "\(path).tmp-\(getpid())-\(String(generator.next() as UInt32, radix: 16))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 { throw FileError(operation: "create", path: temporary, code: errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                write(descriptor, $0.baseAddress?.advanced(by: written), $0.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw FileError(operation: "write", path: temporary, code: code)
            }
            written += count
        }
        if fsync(descriptor) != 0 {
            let code = errno
            close(descriptor)
            unlink(temporary)
            throw FileError(operation: "sync", path: temporary, code: code)
        }
        close(descriptor)
        return temporary
    }

    /// Makes a rename or link in the directory of `path` durable; best effort, as the file itself
    /// is already complete.
    private static func syncDirectory(of path: String) {
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
