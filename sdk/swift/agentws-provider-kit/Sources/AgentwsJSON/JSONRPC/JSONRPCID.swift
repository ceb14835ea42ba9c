/// A JSON-RPC 2.0 request id. The protocol allows strings and numbers; agentws takes fractional
/// numbers and null as invalid ids, since no peer needs them and they compare badly.
public enum JSONRPCID: Sendable, Hashable, CustomStringConvertible {
    case integer(Int64)
    case string(String)

    /// The id as it appears in a message.
    public var json: JSONValue {
        switch self {
        case .integer(let value): return .integer(value)
        case .string(let value): return .string(value)
        }
    }

    /// The id in `value`, or nil when `value` cannot be one.
    public init?(json value: JSONValue) {
        switch value {
        case .integer(let number): self = .integer(number)
        case .string(let text): self = .string(text)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        }
    }
}
