import AgentwsCore
import AgentwsJSON

/// The parameters of one request, read by `JSONObjectReader`; a problem is `invalid params` naming
/// the method and the member's path (`session/prompt: params.sessionId: expected a string, found 3`).
struct Params: Sendable {
    let method: String
    let reader: JSONObjectReader

    init(method: String, _ params: JSONValue?, path: String = "params") throws(JSONRPCError) {
        self.method = method
        do {
            reader = try JSONObjectReader(optional: params, path: path)
        } catch {
            throw .invalidParams(method, error.description)
        }
    }

    var members: [String: JSONValue] { reader.members }

    subscript(key: String) -> JSONValue? { reader.optional(key) }

    /// Runs a read of the reader, its problem made `invalid params`.
    private func read<Value>(_ body: (JSONObjectReader) throws(JSONFieldError) -> Value) throws(JSONRPCError)
        -> Value
    {
        do {
            return try body(reader)
        } catch {
            throw .invalidParams(method, error.description)
        }
    }

    func string(_ key: String) throws(JSONRPCError) -> String {
        try read { r throws(JSONFieldError) in try r.string(key) }
    }

    func optionalString(_ key: String) throws(JSONRPCError) -> String? {
        try read { r throws(JSONFieldError) in try r.optionalString(key) }
    }

    func bool(_ key: String, default fallback: Bool = false) throws(JSONRPCError) -> Bool {
        try read { r throws(JSONFieldError) in try r.optionalBool(key) } ?? fallback
    }

    func integer(_ key: String) throws(JSONRPCError) -> Int64 {
        try read { r throws(JSONFieldError) in try r.integer(key) }
    }

    func array(_ key: String) throws(JSONRPCError) -> [JSONValue] {
        try read { r throws(JSONFieldError) in try r.array(key) }
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
        let meta = try read { r throws(JSONFieldError) in try r.optionalObject("_meta") }
        return try Params(method: method, meta.optional("agentws"), path: meta.path(of: "agentws"))
    }
}
