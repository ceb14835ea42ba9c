import AgentwsCore
import AgentwsJSON

/// What agentws's ACP agent makes of JSON-RPC error objects (the type is AgentwsJSON's). Every error
/// agentws sends carries `data.exitCode`: the exit code the CLI would have exited with, and its
/// message is exactly what the CLI would have printed after `agentws: error: `. So a CLI command
/// routed through the daemon fails the same way as in-process.
extension JSONRPCError.Code {
    /// ACP's `resource_not_found`.
    package static let resourceNotFound: Int64 = -32002
}

extension JSONRPCError {
    private static func protocolError(_ code: Int64, _ message: String) -> JSONRPCError {
        JSONRPCError(
            code: code, message: message, data: ["exitCode": .integer(Int64(ErrorCategory.usage.exitCode))])
    }

    /// A line that is not JSON.
    package static func parseError(_ reason: String) -> JSONRPCError {
        protocolError(Code.parseError, "the message is not valid JSON: \(reason)")
    }

    /// JSON that is not a JSON-RPC 2.0 message.
    package static func invalidRequest(_ reason: String) -> JSONRPCError {
        protocolError(Code.invalidRequest, "not a JSON-RPC 2.0 message: \(reason)")
    }

    package static func methodNotFound(_ method: String) -> JSONRPCError {
        protocolError(
            Code.methodNotFound,
            "unknown method '\(method)'; see docs/daemon.md for the methods agentws serves")
    }

    /// Parameters of the wrong shape: `method` names where.
    package static func invalidParams(_ method: String, _ reason: String) -> JSONRPCError {
        protocolError(Code.invalidParams, "\(method): \(reason)")
    }

    /// Any error, as the CLI would report it: an agentws failure keeps its message and category.
    package init(_ error: any Error) {
        switch error {
        case let rpc as JSONRPCError:
            self = rpc
        case let failure as any AgentwsFailure:
            let code: Int64
            switch failure.category {
            case .usage: code = Code.invalidParams
            case .notFound: code = Code.resourceNotFound
            case .failure, .conflict, .invalidData, .providerFailure: code = Code.internalError
            }
            self.init(
                code: code, message: failure.description,
                data: ["exitCode": .integer(Int64(failure.category.exitCode))])
        case is CancellationError:
            self.init(code: Code.internalError, message: "cancelled", data: ["exitCode": 1])
        default:
            self.init(code: Code.internalError, message: "\(error)", data: ["exitCode": 1])
        }
    }

    /// The exit code the CLI exits with for this error.
    package var exitCode: Int32 {
        data?["exitCode"]?.integerValue.flatMap { Int32(exactly: $0) } ?? ErrorCategory.failure.exitCode
    }
}

extension JSONRPCError: AgentwsFailure {
    public var category: ErrorCategory { ErrorCategory(exitCode: exitCode) ?? .failure }  // public: AgentwsFailure's requirement on a type of the kit package
}

extension ErrorCategory {
    /// The category §9 gives `exitCode`, or nil for a code no category has.
    package init?(exitCode: Int32) {
        let all: [ErrorCategory] = [.failure, .notFound, .conflict, .invalidData, .providerFailure, .usage]
        guard let match = all.first(where: { $0.exitCode == exitCode }) else { return nil }
        self = match
    }
}
