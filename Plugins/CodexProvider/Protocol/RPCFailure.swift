/// Why a request to codex got no result.
enum RPCFailure: Error, Sendable, CustomStringConvertible {
    /// Codex answered with a JSON-RPC error; codex uses one code for everything, so the message is
    /// what tells errors apart.
    case error(method: String, code: Int64?, message: String)
    /// No answer in time. Codex never answers a method it does not know, so this is also how an
    /// unsupported method shows.
    case timedOut(method: String, limit: Duration)
    /// The process ended before answering.
    case ended(method: String, ProcessEnd)
    /// The request could not be written.
    case unwritable(method: String, SystemError)

    var description: String {
        switch self {
        case .error(let method, _, let message): return "codex refused \(method): \(message)"
        case .timedOut(let method, let limit):
            return "codex did not answer \(method) within \(limit.seconds) s (request_timeout_ms)"
        case .ended(let method, let end): return "\(end.summary) before answering \(method)\(end.details)"
        case .unwritable(let method, let error): return "cannot send \(method) to codex: \(error)"
        }
    }
}

extension Duration {
    /// Whole seconds, rounded up, for messages.
    var seconds: Int64 {
        let (seconds, attoseconds) = components
        return attoseconds > 0 ? seconds + 1 : seconds
    }
}
