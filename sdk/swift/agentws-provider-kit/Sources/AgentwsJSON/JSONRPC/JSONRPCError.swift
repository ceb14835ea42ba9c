/// A JSON-RPC 2.0 error object: the `error` member of a response.
///
/// Both sides of agentws use it: the daemon's ACP agent (AgentwsACP adds the agentws failure
/// mapping) and the provider plugins' peers (AgentProcess).
public struct JSONRPCError: Error, Sendable, Equatable {
    public var code: Int64
    public var message: String
    public var data: JSONValue?

    public init(code: Int64, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// The error codes JSON-RPC 2.0 defines.
    public enum Code {
        public static let parseError: Int64 = -32700
        public static let invalidRequest: Int64 = -32600
        public static let methodNotFound: Int64 = -32601
        public static let invalidParams: Int64 = -32602
        public static let internalError: Int64 = -32603
    }

    /// The error object of a response.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["code": .integer(code), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    /// Reads an error object; nil when `value` is not one.
    public init?(json value: JSONValue) {
        guard let code = value["code"]?.integerValue, let message = value["message"]?.stringValue else {
            return nil
        }
        self.init(code: code, message: message, data: value["data"])
    }
}

extension JSONRPCError: CustomStringConvertible {
    /// The error's message, which is what a person is shown.
    public var description: String { message }
}
