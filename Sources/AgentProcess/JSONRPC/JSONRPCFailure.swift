import AgentwsJSON
import AgentwsSystem

/// Why a request to a JSON-RPC peer got no result.
package struct JSONRPCFailure: Error, Sendable, CustomStringConvertible {
    package enum Reason: Sendable {
        /// The peer answered with an error object.
        case error(JSONRPCError)
        /// The peer answered with neither a result nor a well-formed error object; the text is what
        /// it sent instead.
        case invalidAnswer(String)
        /// No answer in time. Some agents (codex) never answer a method they do not know, so this is
        /// also how an unsupported method shows. `setting` names the option that sets the limit.
        case timedOut(Duration, setting: String?)
        /// The process ended before answering.
        case ended(ProcessEnd)
        /// A strict peer broke the protocol (`problem`) and was ended for it.
        case violation(String, ProcessEnd)
        /// The request could not be written.
        case unwritable(SystemError)
    }

    /// The peer's program name: `codex`.
    package let name: String
    /// The method of the request.
    package let method: String
    package let reason: Reason

    package init(name: String, method: String, reason: Reason) {
        self.name = name
        self.method = method
        self.reason = reason
    }

    /// The error object the peer answered with, if that is why.
    package var errorObject: JSONRPCError? {
        if case .error(let object) = reason { return object }
        return nil
    }

    package var description: String {
        switch reason {
        case .error(let object): return "\(name) refused \(method): \(object.message)"
        case .invalidAnswer(let text): return "\(name) refused \(method): \(text)"
        case .timedOut(let limit, let setting):
            return "\(name) did not answer \(method) within \(limit.seconds) s"
                + (setting.map { " (\($0))" } ?? "")
        case .ended(let end): return "\(end.summary) before answering \(method)\(end.details)"
        case .violation(let problem, let end):
            return
                "\(name) (pid \(end.pid)) broke the protocol while agentws waited for \(method): \(problem); "
                + "it was ended\(end.details)"
        case .unwritable(let error): return "cannot send \(method) to \(name): \(error)"
        }
    }
}
