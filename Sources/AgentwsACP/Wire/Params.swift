import AgentwsCore
import AgentwsJSON

/// The parameters of one request, read with errors that name the method and the member.
struct Params: Sendable {
    let method: String
    let members: [String: JSONValue]

    init(method: String, _ params: JSONValue?) throws(JSONRPCError) {
        self.method = method
        switch params {
        case nil, .null?: members = [:]
        case .object(let object)?: members = object
        case let other?:
            throw .invalidParams(method, "params must be an object, not \(other.kindDescription)")
        }
    }

    subscript(key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(JSONRPCError) -> String {
        guard let value = self[key] else { throw .invalidParams(method, "'\(key)' is required") }
        guard let text = value.stringValue else {
            throw .invalidParams(method, "'\(key)' must be a string, not \(value.kindDescription)")
        }
        return text
    }

    func optionalString(_ key: String) throws(JSONRPCError) -> String? {
        guard self[key] != nil else { return nil }
        return try string(key)
    }

    func bool(_ key: String, default fallback: Bool = false) throws(JSONRPCError) -> Bool {
        guard let value = self[key] else { return fallback }
        guard let flag = value.boolValue else {
            throw .invalidParams(method, "'\(key)' must be true or false, not \(value.kindDescription)")
        }
        return flag
    }

    func array(_ key: String) throws(JSONRPCError) -> [JSONValue] {
        guard let value = self[key] else { throw .invalidParams(method, "'\(key)' is required") }
        guard let elements = value.arrayValue else {
            throw .invalidParams(method, "'\(key)' must be an array, not \(value.kindDescription)")
        }
        return elements
    }

    /// A thread id: ACP's `sessionId` or agentws's `thread`. An invalid id is refused with the
    /// CLI's message (exit code 64).
    func thread(_ key: String) throws -> ThreadID {
        try ThreadID(try string(key))
    }

    func optionalThread(_ key: String) throws -> ThreadID? {
        try optionalString(key).map { text throws(InvalidThreadID) in try ThreadID(text) }
    }

    /// `_meta.agentws`: agentws's own options on an ACP request.
    func agentwsMeta() throws(JSONRPCError) -> Params {
        guard let meta = self["_meta"] else { return try Params(method: method, nil) }
        guard meta.objectValue != nil else {
            throw .invalidParams(method, "'_meta' must be an object, not \(meta.kindDescription)")
        }
        return try Params(method: method + " _meta.agentws", meta["agentws"])
    }
}
