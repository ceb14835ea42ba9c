import AgentwsSystem

/// A child process with its standard streams connected to us.
///
/// Spawned with `posix_spawn` in a process group of its own, so that the terminal's Ctrl-C reaches
/// agentws (which turns it into an interrupt) and not the child, and so that stopping the child also
/// reaches the commands it runs. Its standard input is our end of a socket pair rather than a pipe:
/// `send(MSG_NOSIGNAL)` reports a dead reader as an error instead of raising SIGPIPE, which would
/// kill the host process (a plugin cannot assume the host ignores it). Its output and error streams
/// are socket pairs too, which the child writes like pipes.
package final class ChildProcess: Sendable {
    /// The program's name for messages: `codex`, `claude`.
    package var name: String { label.withLock { $0 } }
    private let label: Locked<String>
    /// The child's process id, which is also its process group id.
    package let pid: pid_t
    /// The read end of the child's standard output; the reader owns and closes it.
    package let standardOutput: Int32
    /// The read end of the child's standard error; the reader owns and closes it.
    package let standardError: Int32

    /// Our end of the child's standard input, -1 once closed. Writers hold the lock for a whole
    /// message so that two messages never interleave.
    private let input: Locked<Int32>
    /// Set once the child has been reaped; signals are only sent before that, when the pid cannot
    /// belong to anyone else.
    private let reaped = Locked<ExitStatus?>(nil)

    private init(name: String, pid: pid_t, input: Int32, standardOutput: Int32, standardError: Int32) {
        self.label = Locked(name)
        self.pid = pid
        self.input = Locked(input)
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// From now on, messages call the process `name` (a process started before anyone knew what it
    /// would serve, such as a spare plugin host).
    package func rename(_ name: String) {
        label.withLock { $0 = name }
    }

    /// Starts `command`; `name` is what messages call it.
    package static func spawn(_ command: ProcessCommand, name: String) throws(SystemError) -> ChildProcess {
        try start(name: name) { streams throws(SystemError) in try launch(command, streams: streams) }
    }

    /// Starts a copy of this process (`fork` without `exec`) that runs `body` with its standard
    /// streams connected to us, set up as `spawn` sets up a child (a process group of its own, no
    /// blocked signals, default signal dispositions, no other descriptors, working directory
    /// `directory`), and exits with what `body` returns.
    ///
    /// The copy skips what `exec` costs a dynamically linked Swift program (the kernel's mapping
    /// and the dynamic loader's relocations, about 3 ms of CPU here). It is only sound while this
    /// process has one thread: the copy has only the calling thread, and a lock another thread held
    /// at the `fork` would stay held in it for good. Callers fork first thing in `main`.
    package static func fork(name: String, directory: String, body: () -> Int32) throws(SystemError)
        -> ChildProcess
    {
        try start(name: name) { streams throws(SystemError) in
            let pid = Glibc.fork()
            guard pid == 0 else {
                guard pid > 0 else { throw SystemError("cannot fork a copy of agentws") }
                return pid
            }
            becomeChild(streams: streams, directory: directory)
            exit(body())
        }
    }

    /// What a forked copy does before its `body`: what `launch`'s spawn attributes and file actions
    /// do for a spawned child, and the crash signals back to their defaults too (the Swift runtime's
    /// backtracer catches them; a spawned host is started without it), so that a plugin's crash
    /// kills the copy with its signal.
    private static func becomeChild(streams: (input: Int32, output: Int32, error: Int32), directory: String) {
        setpgid(0, 0)
        dup2(streams.input, 0)
        dup2(streams.output, 1)
        dup2(streams.error, 2)
        if let closeRange = closeRange { _ = closeRange(3, UInt32.max, 0) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        sigprocmask(SIG_SETMASK, &noSignals, nil)
        for signal in defaultSignals + [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS] {
            Glibc.signal(signal, SIG_DFL)
        }
        _ = chdir(directory)
    }

    /// Makes the three socket pairs, starts the child on the child's ends with `begin`, and keeps ours.
    private static func start(
        name: String, _ begin: ((input: Int32, output: Int32, error: Int32)) throws(SystemError) -> pid_t
    ) throws(SystemError) -> ChildProcess {
        // Socket pairs for all three streams: they are created close-on-exec in one call (the Glibc
        // module does not import pipe2), so no child spawned meanwhile by another thread of the host
        // inherits our ends, which would keep the child's input open after we close it.
        var opened: [Int32] = []
        func socketPair(_ stream: String) throws(SystemError) -> (ours: Int32, child: Int32) {
            var pair: [Int32] = [-1, -1]
            guard
                socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0
            else {
                let error = SystemError("cannot create a socket pair for the standard \(stream)")
                closeAll(opened)
                throw error
            }
            opened += pair
            return (pair[0], pair[1])
        }
        let input = try socketPair("input")
        let output = try socketPair("output")
        let error = try socketPair("error")
        // A stuck child must not block a writer forever: a message that cannot be written within
        // this time fails the request.
        var limit = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(input.ours, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))

        let pid: pid_t
        do {
            pid = try begin((input.child, output.child, error.child))
        } catch {
            closeAll(opened)
            throw error
        }
        closeAll([input.child, output.child, error.child])
        return ChildProcess(
            name: name, pid: pid, input: input.ours, standardOutput: output.ours, standardError: error.ours)
    }

    /// The signals a child gets back at their defaults: ignored signals survive exec, and the host
    /// may ignore SIGINT while a turn runs.
    private static let defaultSignals = [
        SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGHUP, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2,
    ]

    private static func launch(
        _ command: ProcessCommand, streams: (input: Int32, output: Int32, error: Int32)
    )
        throws(SystemError) -> pid_t
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, streams.input, 0)
        posix_spawn_file_actions_adddup2(&actions, streams.output, 1)
        posix_spawn_file_actions_adddup2(&actions, streams.error, 2)
        // The host's descriptors without FD_CLOEXEC (a thread's lock file, say) must not live on in
        // the child: a lock held by a lingering child would outlive the host.
        if let closeFrom = closeFromAction {
            _ = closeFrom(&actions, 3)
        }
        // Agents resolve some things against their own working directory; run them where the
        // session works, as a user would. A C library without this action starts the child in the
        // host's directory.
        if let changeDirectory = changeDirectoryAction {
            _ = changeDirectory(&actions, command.directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = command.arguments.map { strdup($0) } + [nil]
        let envp =
            command.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, command.executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SystemError("cannot start \(command.executable)", code: result) }
        return pid
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+).
    private static let closeFromAction = CLibrary.function(
        "posix_spawn_file_actions_addclosefrom_np",
        as: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+).
    private static let changeDirectoryAction = CLibrary.function(
        "posix_spawn_file_actions_addchdir_np",
        as: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) ->
            Int32)
            .self)

    /// `close_range` (glibc 2.34+).
    private static let closeRange = CLibrary.function(
        "close_range", as: (@convention(c) (UInt32, UInt32, Int32) -> Int32).self)

    private static func closeAll(_ descriptors: [Int32]) {
        for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
    }

    // MARK: standard input

    /// Writes `bytes` whole to the child's standard input.
    package func write(_ bytes: [UInt8]) throws(SystemError) {
        try input.withLock { descriptor throws(SystemError) in
            guard descriptor >= 0 else { throw SystemError("the input of \(name) is closed", code: EPIPE) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    guard let base = buffer.baseAddress else { return 0 }
                    return send(descriptor, base + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw SystemError("cannot write to \(name)")
                }
                offset += written
            }
        }
    }

    /// Closes the child's standard input: end of input, which agents take as the request to exit.
    package func closeInput() {
        input.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
    }

    // MARK: signals and reaping

    /// Sends `signal` to the child's process group, unless it has been reaped already.
    package func signalGroup(_ signal: Int32) {
        reaped.withLock { status in
            guard status == nil else { return }
            if kill(-pid, signal) != 0 { kill(pid, signal) }
        }
    }

    /// Whether the child has exited (it may not be reaped yet).
    package var hasExited: Bool {
        if reaped.withLock({ $0 != nil }) { return true }
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        if result != 0 { return errno == ECHILD }
        return info.si_signo == SIGCHLD
    }

    /// Blocks until the child exits and reaps it.
    package func waitAndReap() -> ExitStatus {
        var info = siginfo_t()
        // Wait without reaping: until `waitpid` below, the pid stays ours, so `signalGroup` can
        // never hit a process that reused it.
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
            if errno != EINTR { break }
        }
        return reaped.withLock { reaped in
            if let reaped { return reaped }
            var raw: Int32 = 0
            var result = waitpid(pid, &raw, 0)
            while result < 0 && errno == EINTR { result = waitpid(pid, &raw, 0) }
            let status = result == pid ? ExitStatus(waitStatus: raw) : .unknown
            reaped = status
            return status
        }
    }
}
