/// Thin, typed wrappers over the POSIX calls the store is built on. Foundation's file APIs hide
/// `fsync` and `O_EXCL`, which are the whole point here.
public enum FileIO {
    /// The whole content of `path`, or nil when it does not exist.
    public static func readIfPresent(_ path: String) throws(SystemError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .last("open", path)
        }
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    /// Reads `fd` to its end into a buffer of `expectedSize` (from `fstat`) plus one byte, to see
    /// the end in the same call; a file that grew meanwhile is still read whole. The buffer is not
    /// zero-filled first: for a large file that would cost as much as the read.
    public static func readAll(_ fd: Int32, path: String, expectedSize: Int) throws(SystemError) -> [UInt8] {
        let capacity = max(expectedSize, 0) + 1
        var failure: SystemError?
        var result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = 0
            while count < capacity {
                let read = read(fd, buffer.baseAddress.map { $0 + count }, capacity - count)
                if read < 0 {
                    if errno == EINTR { continue }
                    failure = .last("read", path)
                    return
                }
                if read == 0 { return }
                count += read
            }
        }
        if let failure { throw failure }
        if result.count == capacity { result.append(contentsOf: try readAll(fd, path: path)) }
        return result
    }

    /// Like `readIfPresent`, reading into a buffer sized by `fstat`: for large files.
    public static func readIfPresentSized(_ path: String) throws(SystemError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .last("open", path)
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw .last("stat", path) }
        return try readAll(fd, path: path, expectedSize: Int(info.st_size))
    }

    public static func readAll(_ fd: Int32, path: String) throws(SystemError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .last("read", path)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .last("write", path)
            }
            offset += count
        }
    }

    public static func fsyncOrThrow(_ fd: Int32, path: String) throws(SystemError) {
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            throw .last("fsync", path)
        }
    }

    /// `fsync` of a directory, so that a rename or unlink in it is durable.
    public static func syncDirectory(_ path: String) throws(SystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw .last("open directory", path) }
        defer { close(fd) }
        try fsyncOrThrow(fd, path: path)
    }

    /// Creates `path` and any missing parents with `mode`; an existing directory is fine.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(SystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw .last("create directory", current)
            }
        }
        var info = stat()
        if stat(path, &info) != 0 { throw .last("stat", path) }
        if info.st_mode & S_IFMT != S_IFDIR {
            throw SystemError("use as a directory", path: path, code: ENOTDIR)
        }
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Removes a file; a missing file is not an error.
    public static func removeIfPresent(_ path: String) throws(SystemError) {
        if unlink(path) != 0 && errno != ENOENT { throw .last("remove", path) }
    }

    /// Creates an empty `path` if it does not exist; not synced (for markers that are a cache).
    public static func touch(_ path: String, mode: mode_t = 0o644) throws(SystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode)
        if fd < 0 { throw .last("create", path) }
        close(fd)
    }

    /// Creates `path` with `bytes` only if it does not exist yet; returns whether it created it.
    @discardableResult
    public static func createExclusively(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644)
        throws(SystemError) -> Bool
    {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw .last("create", path)
        }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
        try fsyncOrThrow(fd, path: path)
        return true
    }
}
