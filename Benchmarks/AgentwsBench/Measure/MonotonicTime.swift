import AgentwsSystem

/// Time on `CLOCK_MONOTONIC` in nanoseconds: cheap to read (vDSO), never steps backwards.
enum MonotonicTime {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The nanoseconds `body` took.
    static func measure(_ body: () throws -> Void) rethrows -> UInt64 {
        let start = now()
        try body()
        return now() - start
    }

    /// The nanoseconds `body` took, for asynchronous work.
    static func measure(_ body: () async throws -> Void) async rethrows -> UInt64 {
        let start = now()
        try await body()
        return now() - start
    }
}
