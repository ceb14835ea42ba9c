import AgentwsSystem

/// Runs a program as a child process and times it from spawn to reaping.
enum Spawn {
    struct Outcome {
        var status: Int32
        /// Wall-clock nanoseconds from `posix_spawn` to `wait4`.
        var wallNanoseconds: UInt64
        /// User plus system CPU time of the child.
        var cpuNanoseconds: UInt64
        /// Standard output, when it was captured.
        var output: [UInt8]

        var succeeded: Bool { status == 0 }
    }

    /// Runs `path` with `arguments`; standard output is captured or sent to /dev/null, standard
    /// error is inherited or sent to /dev/null.
    static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil,
        captureOutput: Bool = false, quietErrors: Bool = true
    ) throws(BenchError) -> Outcome {
        var pipeFDs: [Int32] = [-1, -1]
        if captureOutput && pipe(&pipeFDs) != 0 { throw .system("create a pipe for", path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
            posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if quietErrors { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentStrings = (environment ?? currentEnvironment()).map { "\($0.key)=\($0.value)" }
        let envp = environmentStrings.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let start = MonotonicTime.now()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        if captureOutput { close(pipeFDs[1]) }
        guard spawned == 0 else {
            if captureOutput { close(pipeFDs[0]) }
            throw BenchError("cannot run \(path): \(String(cString: strerror(spawned)))")
        }
        var output: [UInt8] = []
        if captureOutput {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(pipeFDs[0], $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                output.append(contentsOf: buffer[0..<count])
            }
            close(pipeFDs[0])
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR { throw .system("wait for", path) }
        }
        let wall = MonotonicTime.now() - start
        let cpu = nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime)
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(status: exitStatus, wallNanoseconds: wall, cpuNanoseconds: cpu, output: output)
    }

    static func nanoseconds(_ time: timeval) -> UInt64 {
        UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_usec) * 1_000
    }

    static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
