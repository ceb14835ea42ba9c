import AgentwsSystem

/// Thin wrappers over the few POSIX calls the loader needs, returning Swift values.
enum SystemCalls {
    /// realpath(3): the absolute path with every symbolic link, `.` and `..` resolved.
    static func realPath(_ path: String) -> Result<String, SystemError> {
        guard let resolved = realpath(path, nil) else { return .failure(.last("resolve", path)) }
        defer { free(resolved) }
        return .success(String(cString: resolved))
    }

    /// lstat(2): the status of the path itself, not of what a symbolic link points to.
    static func linkStatus(_ path: String) -> Result<stat, SystemError> {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .failure(.last("stat", path)) }
        return .success(status)
    }

    /// Reads up to `count` bytes from the start of the file.
    static func readPrefix(of path: String, count: Int) -> Result<[UInt8], SystemError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(.last("open", path)) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, count - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(.last("read", path))
            }
            if got == 0 { break }
            filled += got
        }
        return .success(Array(bytes.prefix(filled)))
    }

    /// The names in a directory other than `.` and `..`, in no particular order.
    static func directoryEntries(_ path: String) -> Result<[String], SystemError> {
        guard let directory = opendir(path) else { return .failure(.last("open directory", path)) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }
}

extension String {
    /// The path's parent directory; `/` for `/` and for top-level entries.
    var parentDirectory: String {
        guard let slash = lastIndex(of: "/"), slash != startIndex else { return "/" }
        return String(self[..<slash])
    }

    /// `self` joined with a relative path component, without doubling the slash.
    func appendingPathComponent(_ component: String) -> String {
        hasSuffix("/") ? self + component : self + "/" + component
    }
}
