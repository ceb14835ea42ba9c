import AgentwsJSON

// The JSON forms of the protocol's values, in both directions (docs/plugin-abi.md).

extension PluginConfiguration {
    init(parsing bytes: [UInt8]) throws(PluginError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: bytes)
        } catch {
            throw PluginError(code: .invalidRequest, message: "the configuration is not valid JSON: \(error)")
        }
        do {
            let fields = try JSONObjectReader(value, path: "configuration")
            self.init(
                instanceName: try fields.string("provider"),
                options: try fields.optionalObject("options").members,
                workspace: try fields.string("workspace"),
                stateDirectory: try fields.string("stateDirectory")
            )
        } catch {
            throw PluginError(error)
        }
    }
}

extension StartRequest {
    init(_ fields: JSONObjectReader) throws(JSONFieldError) {
        self.init(
            thread: try fields.string("thread"),
            cwd: try fields.string("cwd"),
            model: try fields.optionalString("model"),
            runtimeMode: try fields.optionalString("runtimeMode"),
            resumeCursor: fields.optional("resumeCursor")
        )
    }
}

extension PluginTurnRequest {
    init(_ fields: JSONObjectReader) throws(JSONFieldError) {
        self.init(
            session: try fields.string("session"),
            text: try fields.string("text"),
            model: try fields.optionalString("model")
        )
    }
}

extension ExportRequest {
    init(_ fields: JSONObjectReader) throws(JSONFieldError) {
        self.init(
            thread: try fields.optionalString("thread") ?? "",
            cursor: try fields.required("cursor"),
            cwd: try fields.string("cwd"),
            path: try fields.string("path")
        )
    }
}

extension ImportRequest {
    init(_ fields: JSONObjectReader) throws(JSONFieldError) {
        self.init(
            thread: try fields.string("thread"),
            cwd: try fields.string("cwd"),
            path: try fields.string("path"),
            format: try fields.string("format"),
            cursor: fields.optional("cursor"),
            replace: try fields.optionalBool("replace") ?? false
        )
    }
}

extension ForkConversationRequest {
    init(_ fields: JSONObjectReader) throws(JSONFieldError) {
        self.init(
            thread: try fields.string("thread"),
            cursor: try fields.required("cursor"),
            cwd: try fields.string("cwd"),
            model: try fields.optionalString("model"),
            runtimeMode: try fields.optionalString("runtimeMode")
        )
    }
}

extension PluginCapabilities {
    /// The `describe` result: what the plugin says, plus the ABI 1.1 methods it conforms to.
    func json(advertising plugin: any ProviderPlugin) -> JSONValue {
        let exporter = plugin as? any TranscriptExporting
        return [
            "modelSwitch": .string(modelSwitch.rawValue),
            "models": models.map { .array($0.map(JSONValue.string)) } ?? .null,
            "canResume": .bool(canResume),
            "canExport": .bool(exporter != nil),
            "canImport": .bool(plugin is any TranscriptImporting),
            "canFork": .bool(plugin is any ConversationForking),
            "canReplace": .bool(plugin is any TranscriptReplacing),
            "transcriptFormat": exporter.map { .string(type(of: $0).transcriptFormat) } ?? .null,
        ]
    }
}

extension ExportResult {
    var json: JSONValue { ["format": .string(format)] }
}

extension ImportResult {
    var json: JSONValue { ["cursor": cursor] }
}

extension PluginForkResult {
    var json: JSONValue { ["cursor": cursor] }
}

extension StartResult {
    var json: JSONValue {
        ["session": .string(session), "cursor": cursor ?? .null, "resumed": .bool(resumed)]
    }
}

extension PluginTurnResult {
    var json: JSONValue {
        var members: [String: JSONValue] = ["stopReason": .string(stopReason.rawValue)]
        // Present only when it changed: an absent cursor tells the host to write nothing.
        if let cursor { members["cursor"] = cursor }
        if let usage { members["usage"] = usage.json }
        return .object(members)
    }
}

extension PluginTurnResult.Usage {
    /// The ABI's `usage` object (docs/plugin-abi.md): absent figures are left out.
    var json: JSONValue {
        var members: [String: JSONValue] = [:]
        let counts: [(String, Int64?)] = [
            ("inputTokens", inputTokens), ("outputTokens", outputTokens), ("totalTokens", totalTokens),
            ("thoughtTokens", thoughtTokens), ("cachedReadTokens", cachedReadTokens),
            ("cachedWriteTokens", cachedWriteTokens),
        ]
        for (key, count) in counts {
            if let count { members[key] = .integer(count) }
        }
        if let cost { members["cost"] = ["amount": .double(cost), "currency": .string(costCurrency)] }
        return .object(members)
    }
}

extension SessionStatus {
    var json: JSONValue { ["busy": .bool(busy)] }
}

extension PluginError {
    var json: JSONValue { ["code": .string(code.rawValue), "message": .string(message)] }
}
