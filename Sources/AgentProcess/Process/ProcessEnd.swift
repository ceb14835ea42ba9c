/// How a child process ended, with what it said on stderr last.
package struct ProcessEnd: Sendable {
    /// The program's name for messages: `codex`.
    package let name: String
    /// Its pid.
    package let pid: Int32
    /// How it exited.
    package let status: ExitStatus
    /// The last lines of its stderr.
    package let stderrTail: [String]
    /// The file holding all of its stderr, if it could be written.
    package let logPath: String?

    package init(name: String, pid: Int32, status: ExitStatus, stderrTail: [String], logPath: String?) {
        self.name = name
        self.pid = pid
        self.status = status
        self.stderrTail = stderrTail
        self.logPath = logPath
    }

    /// One line: `codex (pid 123) ended: exit status 1`.
    package var summary: String { "\(name) (pid \(pid)) ended: \(status)" }

    /// The stderr tail and where the whole log is, as text to append to a message (empty when there
    /// is nothing to add).
    package var details: String {
        var text = ""
        if !stderrTail.isEmpty {
            text += "; its last stderr lines:\n" + stderrTail.map { "  " + $0 }.joined(separator: "\n")
        }
        if let logPath { text += "\n(full stderr: \(logPath))" }
        return text
    }
}
