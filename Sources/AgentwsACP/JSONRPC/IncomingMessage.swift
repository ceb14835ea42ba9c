import AgentwsJSON

/// One message read from a client, sorted by what JSON-RPC 2.0 makes of it.
enum IncomingMessage: Equatable {
    case request(id: JSONRPCID, method: String, params: JSONValue?)
    case notification(method: String, params: JSONValue?)
    /// A response to a request of ours. agentws sends none, so it is dropped.
    case response
    /// Not a JSON-RPC message; answered with `error`, under `id` when one could be read (else null).
    case invalid(id: JSONValue, error: JSONRPCError)

    init(line: some Collection<UInt8>) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: line)
        } catch {
            self = .invalid(id: .null, error: .parseError(error.description))
            return
        }
        self.init(value)
    }

    init(_ value: JSONValue) {
        guard let object = value.objectValue else {
            let reason =
                value.arrayValue != nil
                ? "batches are not supported; send one object per line"
                : "expected an object, got \(value.kindDescription)"
            self = .invalid(id: .null, error: .invalidRequest(reason))
            return
        }
        let rawID = object["id"]
        let replyID: JSONValue = rawID.flatMap { JSONRPCID(json: $0)?.json } ?? .null
        guard object["jsonrpc"]?.stringValue == "2.0" else {
            self = .invalid(id: replyID, error: .invalidRequest("\"jsonrpc\" must be \"2.0\""))
            return
        }
        guard let methodValue = object["method"] else {
            if object["result"] != nil || object["error"] != nil {
                self = .response
            } else {
                self = .invalid(id: replyID, error: .invalidRequest("no \"method\""))
            }
            return
        }
        guard let method = methodValue.stringValue else {
            self = .invalid(id: replyID, error: .invalidRequest("\"method\" must be a string"))
            return
        }
        let params = object["params"]
        if let params, params.objectValue == nil, params.arrayValue == nil {
            self = .invalid(id: replyID, error: .invalidRequest("\"params\" must be an object"))
            return
        }
        guard let rawID else {
            self = .notification(method: method, params: params)
            return
        }
        guard let id = JSONRPCID(json: rawID) else {
            self = .invalid(
                id: .null,
                error: .invalidRequest("\"id\" must be a string or an integer, not \(rawID.kindDescription)"))
            return
        }
        self = .request(id: id, method: method, params: params)
    }
}
