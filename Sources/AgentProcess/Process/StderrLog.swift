import AgentwsSystem

/// What a child process writes to its standard error: every line appended to a log file (in the
/// provider's state directory), each prefixed with `name[pid] `, and the last few kept for error
/// messages.
///
/// An agent's stderr is a log for people, never parsed: a crash report, a panic or a configuration
/// error end up here, and a failure message quotes the tail so the user sees it without opening
/// the file.
package final class StderrLog: Sendable {
    /// How many lines the tail keeps.
    package static let tailLength = 20
    /// A log file larger than this is renamed to `<name>.1` (replacing the previous one) before a
    /// new process starts writing, so the log never grows without bound.
    package static let rotationSize = 4 << 20

    /// The log file, or nil when it could not be opened.
    package let path: String?
    /// What each line starts with: `name[pid] `.
    private let prefix: [UInt8]

    private struct State {
        var descriptor: Int32
        var splitter = LineSplitter()
        package var tail: [String] = []
    }
    private let state: Locked<State>

    /// Opens (creating or rotating) the log at `path` for the process `pid` of the program `name`.
    package init(path: String, name: String, pid: pid_t, header: String) {
        let descriptor = Self.open(path)
        self.path = descriptor >= 0 ? path : nil
        self.prefix = Array("\(name)[\(pid)] ".utf8)
        self.state = Locked(State(descriptor: descriptor))
        writeLine(Array("=== \(header)".utf8))
    }

    /// Opens the log at `path` for appending, rotating it first when it has grown too large.
    private static func open(_ path: String) -> Int32 {
        var status = stat()
        if stat(path, &status) == 0, Int(status.st_size) > Self.rotationSize {
            rename(path, path + ".1")
        }
        return Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    }

    /// Takes the next bytes read from the child's stderr.
    package func append(_ bytes: UnsafeRawBufferPointer) {
        let lines = state.withLock { $0.splitter.append(bytes) }
        for line in lines { record(line) }
    }

    /// Ends the log of this process with a closing line.
    package func finish(footer: String) {
        if let last = state.withLock({ $0.splitter.finish() }) { record(last) }
        writeLine(Array("=== \(footer)".utf8))
        state.withLock { state in
            if state.descriptor >= 0 { close(state.descriptor) }
            state.descriptor = -1
        }
    }

    /// The last lines written, oldest first.
    package var tail: [String] { state.withLock { $0.tail } }

    private func record(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        state.withLock { state in
            state.tail.append(text)
            if state.tail.count > Self.tailLength {
                state.tail.removeFirst(state.tail.count - Self.tailLength)
            }
        }
        writeLine(line)
    }

    /// Appends one line with the process prefix in a single write, so that the lines of processes
    /// sharing the file never mix within a line.
    private func writeLine(_ line: [UInt8]) {
        let bytes = prefix + line + [UInt8(ascii: "\n")]
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    guard let base = buffer.baseAddress else { return 0 }
                    return Glibc.write(state.descriptor, base + offset, buffer.count - offset)
                }
                if written < 0 && errno == EINTR { continue }
                // A full disk loses log lines, never the session.
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
