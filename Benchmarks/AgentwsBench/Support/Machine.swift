import AgentwsJSON
import AgentwsSystem

/// The machine the figures come from, and how busy it was.
struct Machine {
    var processors: Int
    var memory: String
    var cpuModel: String
    var kernel: String
    var loadAverage: String
    var scratch: String
    var scratchFileSystem: String

    static func describe(scratch: String) -> Machine {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        let machine = withUnsafeBytes(of: name.machine) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        return Machine(
            processors: sysconf(Int32(_SC_NPROCESSORS_ONLN)),
            memory: field("MemTotal", in: "/proc/meminfo") ?? "unknown",
            cpuModel: field("model name", in: "/proc/cpuinfo") ?? "unknown",
            kernel: "Linux \(release) \(machine)",
            loadAverage: currentLoad(),
            scratch: scratch,
            scratchFileSystem: Files.fileSystemName(scratch))
    }

    /// The 1, 5 and 15 minute load averages.
    static func currentLoad() -> String {
        guard let bytes = Files.read("/proc/loadavg") else { return "unknown" }
        return String(decoding: bytes, as: UTF8.self).split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// The value of `key: value` in a /proc file.
    private static func field(_ key: String, in path: String) -> String? {
        guard let bytes = Files.read(path) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters() == key {
                return parts[1].trimmingCharacters()
            }
        }
        return nil
    }

    var json: JSONValue {
        .object([
            "processors": .integer(Int64(processors)), "memory": .string(memory), "cpu": .string(cpuModel),
            "kernel": .string(kernel), "loadAverageAtStart": .string(loadAverage),
            "scratch": .string(scratch), "scratchFileSystem": .string(scratchFileSystem),
        ])
    }

    var summary: String {
        """
        machine: \(processors) processors, \(memory) memory, \(cpuModel), \(kernel)
        load average at start: \(loadAverage)
        scratch: \(scratch) (\(scratchFileSystem))
        """
    }
}

extension String {
    func trimmingCharacters() -> String { self[...].trimmingCharacters() }
}

extension Substring {
    func trimmingCharacters() -> String {
        let trimmed = drop { $0.isWhitespace }
        var end = trimmed.endIndex
        while end > trimmed.startIndex {
            let before = trimmed.index(before: end)
            guard trimmed[before].isWhitespace else { break }
            end = before
        }
        return String(trimmed[trimmed.startIndex..<end])
    }
}
