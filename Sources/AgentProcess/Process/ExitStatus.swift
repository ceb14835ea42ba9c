import AgentwsSystem

/// How a child process ended.
package enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    /// It called exit with this status.
    case exited(Int32)
    /// A signal killed it.
    case signalled(Int32)
    /// Someone else reaped it (a host that ignores SIGCHLD), so the status is lost.
    case unknown

    /// Decodes a `waitpid` status word (the `WIFEXITED` family are macros Swift cannot import).
    package init(waitStatus status: Int32) {
        let signal = status & 0x7f
        if signal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signalled(signal)
        }
    }

    package var description: String {
        switch self {
        case .exited(let code): return "exit status \(code)"
        case .signalled(let signal):
            let name = strsignal(signal).map { String(cString: $0) } ?? "signal"
            return "killed by signal \(signal) (\(name))"
        case .unknown: return "unknown status"
        }
    }
}
