import Foundation

/// The CPUs this test process may run on, as the kernel lists them (`Cpus_allowed_list` in
/// `/proc/self/status`, its main thread's): to pin a child with `taskset`, or to know whether a
/// thread can be started on another CPU.
package struct AllowedCPUs {
    /// The list as written there, e.g. "0-1,4".
    package let list: String

    package init() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let prefix = "Cpus_allowed_list:"
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else {
            throw TestFailure("/proc/self/status has no \(prefix) line")
        }
        list = line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
    }

    /// The CPUs, in the list's order.
    package var cpus: [Int] {
        list.split(separator: ",").flatMap { item -> [Int] in
            let bounds = item.split(separator: "-").compactMap { Int($0) }
            return bounds.count == 2 ? Array(bounds[0]...bounds[1]) : bounds
        }
    }
}
