extension Duration {
    /// Whole seconds, rounded up, for messages.
    package var seconds: Int64 {
        let (seconds, attoseconds) = components
        return attoseconds > 0 ? seconds + 1 : seconds
    }

    /// This duration as a `poll` timeout: whole milliseconds rounded up, so that a thread never wakes
    /// just before its deadline and spins; at least 1, at most what an Int32 holds.
    package var pollTimeout: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(milliseconds, 1))
    }
}
