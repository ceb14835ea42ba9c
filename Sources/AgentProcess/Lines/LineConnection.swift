import AgentwsJSON
import AgentwsSystem

/// One child process spoken to in lines: whatever it writes on stdout is cut into lines and handed,
/// in order, to a handler; lines written to it go to its stdin. Its stderr goes to a `StderrLog`.
///
/// A reader thread of its own (not a task: it blocks in `poll` for as long as the child lives)
/// reads stdout and stderr. When both are closed — or the child has exited and a grandchild keeps
/// them open for more than a second — the child is reaped and the handler learns how it ended.
///
/// Use: `spawn`, then `start` exactly once with the handlers (in between, nothing is read, so a
/// layer on top can set itself up before the first line arrives).
package final class LineConnection: Sendable {
    /// Where the child's output goes. Both are called on the reader thread, one at a time.
    package struct Handlers: Sendable {
        /// One line of stdout, without its `\n` (or `\r\n`). Blank lines are skipped.
        package var line: @Sendable (_ line: [UInt8]) -> Void
        /// The process has ended; nothing more will come.
        package var ended: @Sendable (ProcessEnd) -> Void
        /// A line longer than the connection's limit was dropped (called once per such line, with
        /// the limit); nil: it is only logged when the process ends.
        package var overlong: (@Sendable (_ limit: Int) -> Void)?

        package init(
            line: @escaping @Sendable (_ line: [UInt8]) -> Void,
            ended: @escaping @Sendable (ProcessEnd) -> Void,
            overlong: (@Sendable (_ limit: Int) -> Void)? = nil
        ) {
            self.line = line
            self.ended = ended
            self.overlong = overlong
        }
    }

    package let process: ChildProcess
    private let stderrLog: StderrLog
    private let log: ProcessLog
    private let lineLimit: Int
    private let started = Locked(false)
    private let endedLatch = Latch()

    private init(process: ChildProcess, stderrLog: StderrLog, log: @escaping ProcessLog, lineLimit: Int) {
        self.process = process
        self.stderrLog = stderrLog
        self.log = log
        self.lineLimit = lineLimit
    }

    /// The program's name for messages.
    package var name: String { process.name }

    /// Spawns `command`. Its stderr is appended to the log file `logPath`, which starts with a line
    /// naming the command and `purpose` (`thread t1`). A stdout line longer than `lineLimit` bytes is
    /// dropped (see `Handlers.overlong`).
    package static func spawn(
        _ command: ProcessCommand, name: String, purpose: String, logPath: String, log: @escaping ProcessLog,
        lineLimit: Int = LineSplitter.lineLimit
    ) throws(SystemError) -> LineConnection {
        let process = try ChildProcess.spawn(command, name: name)
        return connect(
            process, started: command.arguments.joined(separator: " "), purpose: purpose, logPath: logPath,
            log: log, lineLimit: lineLimit)
    }

    /// A connection to `process`, started already (`started` says how, in the log's first line).
    package static func connect(
        _ process: ChildProcess, started: String, purpose: String, logPath: String,
        log: @escaping ProcessLog, lineLimit: Int = LineSplitter.lineLimit
    ) -> LineConnection {
        let stderrLog = StderrLog(
            path: logPath, name: process.name, pid: process.pid, header: "started \(started) for \(purpose)")
        return LineConnection(process: process, stderrLog: stderrLog, log: log, lineLimit: lineLimit)
    }

    /// Starts reading; only the first call does anything. When no thread can be started, the
    /// process is killed (nobody would ever read it) and the error thrown.
    package func start(_ handlers: Handlers) throws(SystemError) {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        do {
            try DetachedThread.start { self.readUntilEnd(handlers) }
        } catch {
            process.closeInput()
            process.signalGroup(SIGKILL)
            let status = process.waitAndReap()
            stderrLog.finish(footer: "killed: \(error) (\(status))")
            close(process.standardOutput)
            close(process.standardError)
            endedLatch.open()
            throw error
        }
    }

    // MARK: writing

    /// Writes `line` and a newline to the child's stdin, whole, never interleaved with another.
    package func writeLine(_ line: [UInt8]) throws(SystemError) {
        try process.write(line + [UInt8(ascii: "\n")])
    }

    /// Writes `message` as one line of compact JSON.
    package func write(_ message: JSONValue) throws(SystemError) {
        try writeLine(JSONWriter.compact(message))
    }

    // MARK: lifetime

    /// Whether the process has ended (and everything it wrote has been handled).
    package var hasEnded: Bool { endedLatch.isOpen }

    /// Waits until the process has ended and its output is handled; false if `limit` passed first.
    package func waitUntilEnded(atMost limit: Duration) async -> Bool {
        await endedLatch.wait(atMost: limit)
    }

    /// Ends the process: end of input first, which agents answer by exiting; then SIGTERM to its
    /// process group, then SIGKILL, each after `grace` without an exit.
    package func terminate(grace: Duration) async {
        process.closeInput()
        if await waitUntilEnded(atMost: grace) { return }
        log(.warning, "\(name) (pid \(process.pid)) did not exit on end of input; sending SIGTERM")
        process.signalGroup(SIGTERM)
        if await waitUntilEnded(atMost: grace) { return }
        log(.warning, "\(name) (pid \(process.pid)) ignored SIGTERM; sending SIGKILL")
        process.signalGroup(SIGKILL)
        _ = await waitUntilEnded(atMost: grace)
    }

    /// The start of `line` as text, for log messages.
    package static func excerpt(_ line: [UInt8]) -> String {
        let text = String(decoding: line.prefix(300), as: UTF8.self)
        return line.count > 300 ? text + "…" : text
    }

    // MARK: reading (on the reader thread)

    private func readUntilEnd(_ handlers: Handlers) {
        var splitter = LineSplitter(limit: lineLimit)
        func deliver(_ line: [UInt8]) {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }
            handlers.line(line)
        }
        var descriptors = [
            pollfd(fd: process.standardOutput, events: Int16(POLLIN), revents: 0),
            pollfd(fd: process.standardError, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var exitNoticed: ContinuousClock.Instant?
        while descriptors.contains(where: { $0.fd >= 0 }) {
            let ready = poll(&descriptors, nfds_t(descriptors.count), 250)
            if ready < 0 {
                if errno == EINTR { continue }
                log(.error, "\(name) (pid \(process.pid)): poll failed: \(SystemError("poll"))")
                break
            }
            if ready == 0 {
                // A grandchild that inherited the child's stdout or stderr can keep them open after
                // the child itself is gone; do not wait for it forever.
                if process.hasExited {
                    let now = ContinuousClock.now
                    if let noticed = exitNoticed, now - noticed > .seconds(1) { break }
                    exitNoticed = exitNoticed ?? now
                }
                continue
            }
            for index in descriptors.indices
            where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let descriptor = descriptors[index].fd
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    descriptors[index].fd = -1
                    continue
                }
                buffer.withUnsafeBytes { bytes in
                    let chunk = UnsafeRawBufferPointer(rebasing: bytes[0..<count])
                    if index == 0 {
                        let dropped = splitter.droppedLines
                        for line in splitter.append(chunk) { deliver(line) }
                        if splitter.droppedLines > dropped { handlers.overlong?(lineLimit) }
                    } else {
                        stderrLog.append(chunk)
                    }
                }
            }
        }
        if let last = splitter.finish() { deliver(last) }
        if splitter.droppedLines > 0 {
            log(
                .error,
                "\(name) (pid \(process.pid)): dropped \(splitter.droppedLines) over-long output lines")
        }
        close(process.standardOutput)
        close(process.standardError)
        process.closeInput()
        let status = process.waitAndReap()
        stderrLog.finish(footer: "ended: \(status)")
        handlers.ended(
            ProcessEnd(
                name: name, pid: process.pid, status: status, stderrTail: stderrLog.tail,
                logPath: stderrLog.path))
        endedLatch.open()
    }
}
