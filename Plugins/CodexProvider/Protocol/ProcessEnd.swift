/// How a codex process ended, with what it said on stderr last.
struct ProcessEnd: Sendable {
    /// Its pid.
    let pid: Int32
    /// How it exited.
    let status: ExitStatus
    /// The last lines of its stderr.
    let stderrTail: [String]
    /// The file holding all of its stderr, if it could be written.
    let logPath: String?

    /// One line: `codex (pid 123) exited (exit status 1)`.
    var summary: String { "codex (pid \(pid)) ended: \(status)" }

    /// The stderr tail and where the whole log is, as text to append to a message (empty when there
    /// is nothing to add).
    var details: String {
        var text = ""
        if !stderrTail.isEmpty {
            text += "; its last stderr lines:\n" + stderrTail.map { "  " + $0 }.joined(separator: "\n")
        }
        if let logPath { text += "\n(full stderr: \(logPath))" }
        return text
    }
}
