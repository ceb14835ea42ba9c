import AgentwsSystem

/// The floor of any listing that notices files changed underneath it without reading them: read
/// the directory and `fstatat` every entry, nothing else.
enum StatFloor {
    /// Returns how many non-hidden entries were stat-ed.
    static func statEveryFile(in path: String) throws(BenchError) -> Int {
        guard let directory = opendir(path) else { throw .system("open directory", path) }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        var count = 0
        var info = stat()
        while let entry = readdir(directory) {
            let statted = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { name in
                    name[0] != CChar(UInt8(ascii: ".")) && fstatat(descriptor, name, &info, 0) == 0
                }
            }
            if statted { count += 1 }
        }
        return count
    }
}
