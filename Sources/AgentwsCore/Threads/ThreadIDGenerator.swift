/// Makes new thread ids that are short, unique and sort by creation time: `20261201-010224-k3f9`.
public struct ThreadIDGenerator: Sendable {
    private static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")

    public init() {}

    /// An id for a thread created at `date` (UTC), with a random suffix against collisions.
    public func makeID(at date: UTCDateTime) -> ThreadID {
        var generator = SystemRandomNumberGenerator()
        return makeID(at: date, using: &generator)
    }

    public func makeID(at date: UTCDateTime, using generator: inout some RandomNumberGenerator) -> ThreadID {
        let suffix = String(
            (0..<4).map { _ in Self.alphabet[Int(generator.next() % UInt64(Self.alphabet.count))] })
        let text = date.compactStamp + "-" + suffix
        // The stamp is digits and '-', the suffix [0-9a-z]: always a valid id.
        guard let id = try? ThreadID(text) else {
            preconditionFailure("generated thread id \(text) is invalid")
        }
        return id
    }
}
