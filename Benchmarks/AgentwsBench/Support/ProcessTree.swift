import AgentwsSystem

/// The memory of a process and all its descendants, from /proc.
enum ProcessTree {
    struct Memory {
        /// Summed VmRSS, in bytes.
        var resident = 0
        /// Summed Pss (smaps_rollup): shared pages divided among the processes mapping them.
        var proportional = 0
        var processes = 0
    }

    static func memory(of root: pid_t) throws(BenchError) -> Memory {
        var parents: [pid_t: pid_t] = [:]
        for entry in (try? Files.list("/proc")) ?? [] {
            guard let pid = pid_t(entry), let bytes = Files.read("/proc/\(entry)/stat"),
                let close = bytes.lastIndex(of: UInt8(ascii: ")"))
            else { continue }
            // After the command name: state, then the parent's pid.
            let fields = String(decoding: bytes[(close + 1)...], as: UTF8.self).split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parents[pid] = parent }
        }
        var tree: Set<pid_t> = [root]
        var grew = true
        while grew {
            grew = false
            for (pid, parent) in parents where tree.contains(parent) && !tree.contains(pid) {
                tree.insert(pid)
                grew = true
            }
        }
        var memory = Memory()
        for pid in tree {
            guard let resident = field("VmRSS:", in: "/proc/\(pid)/status") else {
                if pid == root { throw BenchError("/proc/\(pid)/status has no VmRSS") }
                continue
            }
            memory.resident += resident
            memory.proportional += field("Pss:", in: "/proc/\(pid)/smaps_rollup") ?? resident
            memory.processes += 1
        }
        return memory
    }

    /// A `Name:   N kB` line's value in bytes.
    private static func field(_ name: String, in path: String) -> Int? {
        guard let bytes = Files.read(path) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(name) {
            let words = line.split(separator: " ")
            if words.count >= 3, let kibibytes = Int(words[1]) { return kibibytes * 1024 }
        }
        return nil
    }
}
