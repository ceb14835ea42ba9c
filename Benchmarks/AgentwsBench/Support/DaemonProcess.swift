import AgentwsSystem

/// `agentws serve` running on a scratch workspace, for row 8: started as a child, used through its
/// socket, stopped with SIGTERM, and required to exit 0.
final class DaemonProcess {
    let pid: pid_t
    let socketPath: String
    private var exited = false

    /// Starts the daemon and waits, at most `timeout` nanoseconds, until its socket accepts a
    /// connection.
    init(agentws: String, environment: [String: String], socketPath: String, timeout: UInt64)
        throws(BenchError)
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let words: [String] = [agentws, "serve"]
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, agentws, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw BenchError("cannot run \(agentws) serve: \(String(cString: strerror(spawned)))")
        }
        pid = child
        self.socketPath = socketPath
        let deadline = MonotonicTime.now() + timeout
        while true {
            if (try? ACPSocketClient(socketPath: socketPath)) != nil { return }
            if let status = reap(blocking: false) {
                throw BenchError("agentws serve exited with \(status) before listening on \(socketPath)")
            }
            guard MonotonicTime.now() < deadline else {
                kill(pid, SIGKILL)
                _ = reap(blocking: true)
                throw BenchError("agentws serve did not listen on \(socketPath) in time")
            }
            usleep(10_000)
        }
    }

    deinit {
        // Only reached with the daemon still running when a measurement failed part-way.
        if !exited {
            kill(pid, SIGKILL)
            _ = reap(blocking: true)
        }
    }

    /// The daemon's resident set size in bytes (VmRSS in /proc/<pid>/status).
    func residentBytes() throws(BenchError) -> Int {
        let path = "/proc/\(pid)/status"
        guard let bytes = Files.read(path) else { throw .system("read", path) }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ")
            if fields.count >= 3, let kibibytes = Int(fields[1]), fields[2] == "kB" {
                return kibibytes * 1024
            }
        }
        throw BenchError("\(path) has no VmRSS line")
    }

    /// The daemon's user plus system CPU time so far, in nanoseconds (fields 14 and 15 of
    /// /proc/<pid>/stat, in clock ticks: 10 ms steps on most kernels).
    func cpuNanoseconds() throws(BenchError) -> UInt64 {
        let path = "/proc/\(pid)/stat"
        guard let bytes = Files.read(path), let close = bytes.lastIndex(of: UInt8(ascii: ")")) else {
            throw .system("read", path)
        }
        // After the command name in parentheses: state is field 3, utime 14, stime 15.
        let fields = String(decoding: bytes[(close + 1)...], as: UTF8.self).split(separator: " ")
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else {
            throw BenchError("\(path): no CPU times where expected")
        }
        let ticks = UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
        return (user + system) * 1_000_000_000 / ticks
    }

    /// Sends SIGTERM and waits, at most `timeout` nanoseconds, for the daemon to exit; it must exit 0.
    /// Returns the nanoseconds the shutdown took.
    func terminate(timeout: UInt64) throws(BenchError) -> UInt64 {
        let start = MonotonicTime.now()
        kill(pid, SIGTERM)
        while true {
            if let status = reap(blocking: false) {
                guard status == 0 else { throw BenchError("agentws serve exited with \(status) on SIGTERM") }
                return MonotonicTime.now() - start
            }
            guard MonotonicTime.now() - start < timeout else {
                kill(pid, SIGKILL)
                _ = reap(blocking: true)
                throw BenchError("agentws serve did not exit within \(timeout / 1_000_000_000) s of SIGTERM")
            }
            usleep(5_000)
        }
    }

    /// The exit status (128 + signal for a signal) once the child has ended, else nil.
    private func reap(blocking: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result < 0 && errno == EINTR { continue }
            guard result == pid else { return nil }
            exited = true
            return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        }
    }
}
