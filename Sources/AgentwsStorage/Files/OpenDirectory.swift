import AgentwsSystem

/// A directory held open, so that reading its names and then stat-ing and opening its files
/// resolves one path component each time instead of the whole path.
final class OpenDirectory {
    let path: String
    private let stream: OpaquePointer
    private let descriptor: Int32

    /// Opens `path`; nil when it does not exist.
    init?(_ path: String) throws(SystemError) {
        guard let stream = opendir(path) else {
            if errno == ENOENT { return nil }
            throw .last("list", path)
        }
        self.path = path
        self.stream = stream
        self.descriptor = dirfd(stream)
    }

    deinit { closedir(stream) }

    /// Every name in the directory except `.` and `..`, in the order the file system keeps them.
    func names() -> [String] {
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The names that start with a dot (other than `.` and `..`), without making a string of any
    /// other name: the cheap scan for temporary files in a directory of many bindings.
    func hiddenNames() -> [String] {
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name: String? = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { text in
                    guard text[0] == CChar(UInt8(ascii: ".")) else { return nil }
                    let name = String(cString: text)
                    return name == "." || name == ".." ? nil : name
                }
            }
            if let name { names.append(name) }
        }
        return names
    }

    /// The stamp of `name` (following a symbolic link, as reading does); nil when it is gone.
    func stamp(of name: String) throws(SystemError) -> FileStamp? {
        var info = stat()
        if fstatat(descriptor, name, &info, 0) != 0 {
            if errno == ENOENT { return nil }
            throw .last("stat", path + "/" + name)
        }
        return FileStamp(info)
    }

    /// The content of `name` and the stamp of what was read (taken from the open file before
    /// reading, so a change during the read leaves a newer stamp on disk); nil when it is gone.
    func read(_ name: String) throws(SystemError) -> (bytes: [UInt8], stamp: FileStamp)? {
        let fd = openat(descriptor, name, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .last("open", path + "/" + name)
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { throw .last("stat", path + "/" + name) }
        let bytes = try FileIO.readAll(fd, path: path + "/" + name, expectedSize: Int(info.st_size))
        return (bytes, FileStamp(info))
    }
}
