import AgentwsJSON

/// One parsed request: `{"method": "...", "params": {...}}`.
struct MethodCall: Sendable {
    /// The methods of ABI 1.0, then the optional ones of 1.1.
    enum Method: String, Sendable, CaseIterable {
        case describe, start, send, interrupt, status, stop
        case export, `import`, fork
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
        let name: String
        do {
            let fields = try JSONObjectReader(value, path: "request")
            name = try fields.string("method")
            params = fields.optional("params") ?? [:]
        } catch {
            throw PluginError(error)
        }
        guard let method = Method(rawValue: name) else {
            let known = Method.allCases.map(\.rawValue).joined(separator: ", ")
            throw PluginError(
                code: .unsupported, message: "unknown method \"\(name)\"; the methods are \(known)")
        }
        self.method = method
    }

    /// Runs the call on `plugin`; every failure, thrown by the plugin or found in the params, is
    /// returned as the plugin error the host will see.
    func run(on plugin: any ProviderPlugin) async -> Result<JSONValue, PluginError> {
        do {
            let fields = try JSONObjectReader(params, path: "params")
            switch method {
            case .describe:
                return .success(try await plugin.describe().json(advertising: plugin))
            case .start:
                return .success(try await plugin.start(StartRequest(fields)).json)
            case .send:
                return .success(try await plugin.send(PluginTurnRequest(fields)).json)
            case .interrupt:
                try await plugin.interrupt(session: fields.string("session"))
                return .success([:])
            case .status:
                return .success(try await plugin.status(session: fields.string("session")).json)
            case .stop:
                try await plugin.stop(session: fields.string("session"))
                return .success([:])
            case .export:
                guard let exporter = plugin as? any TranscriptExporting else {
                    throw lacking("export transcripts")
                }
                return .success(try await exporter.exportTranscript(ExportRequest(fields)).json)
            case .import:
                guard let importer = plugin as? any TranscriptImporting else {
                    throw lacking("import transcripts")
                }
                let request = try ImportRequest(fields)
                if request.replace, !(plugin is any TranscriptReplacing) {
                    throw lacking("replace its copy of a conversation")
                }
                return .success(try await importer.importTranscript(request).json)
            case .fork:
                guard let forker = plugin as? any ConversationForking else {
                    throw lacking("fork conversations")
                }
                return .success(try await forker.fork(ForkConversationRequest(fields)).json)
            }
        } catch {
            return .failure(PluginError(answering: error))
        }

        func lacking(_ action: String) -> PluginError {
            PluginError(
                code: .unsupported, message: "plugin \(type(of: plugin).name) cannot \(action)")
        }
    }
}
