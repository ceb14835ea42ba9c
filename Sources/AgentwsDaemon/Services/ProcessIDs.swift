import AgentwsSystem

/// This process's id, for log lines.
enum ProcessIDs {
    static var current: Int32 { getpid() }
}
