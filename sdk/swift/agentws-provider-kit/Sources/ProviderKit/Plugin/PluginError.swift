import AgentwsJSON

/// An error a plugin answers with: one of the ABI's fixed codes and a message for the user.
///
/// Throw it from any `ProviderPlugin` method to choose the code; other errors are answered as
/// `provider-failed`.
public struct PluginError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ABI's error codes (SPEC §8.1).
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The request was malformed or asked for something the plugin refuses.
        case invalidRequest = "invalid-request"
        /// An unknown session or object.
        case notFound = "not-found"
        /// The conversation behind a resume cursor is gone.
        case resumeFailed = "resume-failed"
        /// The provider itself failed.
        case providerFailed = "provider-failed"
        /// A method or feature the plugin does not have.
        case unsupported
    }

    /// The error code.
    public var code: Code
    /// What went wrong and, where it helps, what to do about it.
    public var message: String

    /// Makes an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension PluginError {
    /// `error` as the plugin error the host will see.
    init(answering error: any Error) {
        if let pluginError = error as? PluginError {
            self = pluginError
        } else if let problem = error as? JSONFieldError {
            self.init(problem)
        } else {
            self.init(code: .providerFailed, message: String(describing: error))
        }
    }
}

extension PluginError {
    /// A member of a request or of the configuration that is missing or of the wrong kind:
    /// `invalid-request`, in `JSONFieldError`'s words (`params.cwd: expected a string, found 3`).
    init(_ problem: JSONFieldError) {
        self.init(code: .invalidRequest, message: problem.description)
    }
}
