import AgentwsSystem

/// The few file operations the benchmark needs to set up and verify, on the C library.
enum Files {
    /// Creates `path` and its missing parents.
    static func makeDirectories(_ path: String) throws(BenchError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw .system("create directory", current) }
        }
    }

    /// Writes `bytes` to `path` without syncing: set-up only, followed by one `sync()`.
    static func write(_ bytes: [UInt8], to path: String) throws(BenchError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw .system("create", path) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("write", path)
            }
            offset += count
        }
    }

    /// The whole file, or nil when it cannot be read.
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return count == 0 ? result : nil }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// The directory part of `path` ("." when it has none).
    static func directory(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    }

    /// Names in `path` other than `.` and `..`.
    static func list(_ path: String) throws(BenchError) -> [String] {
        guard let directory = opendir(path) else { throw .system("list", path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// What identifies one version of a file: a rewrite changes at least one of these.
    struct Identity: Equatable {
        var inode: UInt64
        var size: Int64
        var modified: timespec
        var changed: timespec

        static func == (lhs: Identity, rhs: Identity) -> Bool {
            lhs.inode == rhs.inode && lhs.size == rhs.size
                && lhs.modified.tv_sec == rhs.modified.tv_sec && lhs.modified.tv_nsec == rhs.modified.tv_nsec
                && lhs.changed.tv_sec == rhs.changed.tv_sec && lhs.changed.tv_nsec == rhs.changed.tv_nsec
        }
    }

    static func identity(_ path: String) throws(BenchError) -> Identity {
        var info = stat()
        if lstat(path, &info) != 0 { throw .system("stat", path) }
        return Identity(
            inode: UInt64(info.st_ino), size: Int64(info.st_size), modified: info.st_mtim,
            changed: info.st_ctim)
    }

    /// Removes a tree (scratch directories hold up to 100,000 files).
    static func removeTree(_ path: String) {
        _ = try? Spawn.run("/bin/rm", ["-rf", path])
    }

    /// The type of the file system holding `path` ("ext4", "tmpfs", …), from the longest mount
    /// point in /proc/mounts that contains it.
    static func fileSystemName(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return "unknown" }
        let real = String(cString: resolved)
        free(resolved)
        guard let mounts = read("/proc/mounts") else { return "unknown" }
        var best: (point: String, type: String)?
        for line in String(decoding: mounts, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let point = String(fields[1])
            let contains = point == "/" || real == point || real.hasPrefix(point + "/")
            if contains && point.count >= (best?.point.count ?? -1) { best = (point, String(fields[2])) }
        }
        return best?.type ?? "unknown"
    }
}
