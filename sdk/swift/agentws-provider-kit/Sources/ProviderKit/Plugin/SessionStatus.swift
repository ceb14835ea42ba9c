/// The answer to `status`.
public struct SessionStatus: Sendable, Equatable {
    /// Whether the session has work in progress; a busy session is never reaped.
    public var busy: Bool

    /// Makes a status.
    public init(busy: Bool) {
        self.busy = busy
    }
}
