import AgentProcess
import AgentwsSystem

/// This process as a child subreaper (`PR_SET_CHILD_SUBREAPER`): a descendant orphaned by the
/// command that started it (the plugin host a one-shot `agentws send` leaves running while it
/// destroys its instance) becomes a child of this process instead of init's, so that its CPU time
/// can be reaped with it (`reapRemaining`).
enum ChildSubreaper {
    /// `prctl`, which Swift cannot call directly: glibc declares it variadic.
    private static let prctl = CLibrary.function(
        "prctl", as: (@convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32).self)
    private static let setChildSubreaper: Int32 = 36

    /// Makes this process a subreaper (or no longer one); false when it cannot.
    static func set(_ on: Bool) -> Bool {
        guard let prctl else { return false }
        return prctl(setChildSubreaper, on ? 1 : 0, 0, 0, 0) == 0
    }

    /// Whether this process has a child, running or ended and not yet reaped (none is reaped here).
    static var hasChildren: Bool {
        var info = siginfo_t()
        return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0
    }

    /// User plus system CPU time, in nanoseconds, of every child left, waiting for each to end.
    static func reapRemaining() -> UInt64 {
        var total: UInt64 = 0
        var status: Int32 = 0
        var usage = rusage()
        while true {
            if wait4(-1, &status, 0, &usage) > 0 {
                total += Spawn.nanoseconds(usage.ru_utime) + Spawn.nanoseconds(usage.ru_stime)
            } else if errno != EINTR {
                return total
            }
        }
    }
}
