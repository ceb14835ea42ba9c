import AgentwsSystem

/// Where this benchmark's own executable is, for the rows that start it again as a child.
enum BenchExecutable {
    static func path() throws(BenchError) -> String {
        guard let resolved = realpath("/proc/self/exe", nil) else {
            throw .system("resolve", "/proc/self/exe")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func directory() throws(BenchError) -> String {
        Files.directory(of: try path())
    }
}
