import AgentwsJSON

/// One parsed request: `{"method": "...", "params": {...}}`.
struct MethodCall: Sendable {
    /// The methods of ABI 1.0.
    enum Method: String, Sendable, CaseIterable {
        case describe, start, send, interrupt, status, stop
    }

    let method: Method
    let params: JSONValue

    /// Parses a request; a malformed one is `invalid-request`, an unknown method `unsupported`.
    init(parsing bytes: [UInt8]) throws(PluginError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: bytes)
        } catch {
            throw PluginError(code: .invalidRequest, message: "the request is not valid JSON: \(error)")
        }
        let fields = try Fields(value, context: "the request")
        let name = try fields.string("method")
        guard let method = Method(rawValue: name) else {
            let known = Method.allCases.map(\.rawValue).joined(separator: ", ")
            throw PluginError(
                code: .unsupported, message: "unknown method \"\(name)\"; the methods are \(known)")
        }
        self.method = method
        self.params = fields.optionalValue("params") ?? [:]
    }

    /// Runs the call on `plugin`; every failure, thrown by the plugin or found in the params, is
    /// returned as the plugin error the host will see.
    func run(on plugin: any ProviderPlugin) async -> Result<JSONValue, PluginError> {
        do {
            let fields = try Fields(params, context: "\(method.rawValue) params")
            switch method {
            case .describe:
                return .success(try await plugin.describe().json)
            case .start:
                return .success(try await plugin.start(StartRequest(fields)).json)
            case .send:
                return .success(try await plugin.send(SendRequest(fields)).json)
            case .interrupt:
                try await plugin.interrupt(session: fields.string("session"))
                return .success([:])
            case .status:
                return .success(try await plugin.status(session: fields.string("session")).json)
            case .stop:
                try await plugin.stop(session: fields.string("session"))
                return .success([:])
            }
        } catch {
            return .failure(PluginError(answering: error))
        }
    }
}
