import Foundation

/// Finds live processes by a variable of their environment, the way a test finds the agents an
/// agentws it ran has started (and checks that none outlives it).
package enum ProcessScan {
    /// The live processes whose environment holds exactly `entry` (`NAME=value`).
    package static func processes(withEnvironment entry: String) -> [pid_t] {
        let marker = Array(entry.utf8) + [0]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ")
            else { return nil }
            let bytes = [UInt8](environment)
            guard bytes.count >= marker.count else { return nil }
            for start in 0...(bytes.count - marker.count)
            where (start == 0 || bytes[start - 1] == 0)
                && bytes[start..<(start + marker.count)].elementsEqual(marker)
            {
                // A zombie has an empty environ; this one is alive.
                return pid
            }
            return nil
        }
    }

    /// The parent of `pid` (from `/proc/<pid>/stat`), or nil when it is gone.
    package static func parent(of pid: pid_t) -> pid_t? {
        guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
            let close = stat.lastIndex(of: UInt8(ascii: ")"))
        else { return nil }
        // After the command's closing parenthesis: " <state> <ppid> ...".
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 1 else { return nil }
        return pid_t(String(decoding: fields[1], as: UTF8.self))
    }

    /// Waits until no process with `entry` in its environment runs; false if one still does after
    /// `limit`.
    package static func gone(withEnvironment entry: String, within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while !processes(withEnvironment: entry).isEmpty {
            if ContinuousClock.now > deadline { return false }
            usleep(20_000)
        }
        return true
    }
}
