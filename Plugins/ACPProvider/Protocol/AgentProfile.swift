import AgentwsJSON

/// What an agent said about itself in its `initialize` answer: the capabilities that decide which
/// methods the plugin may use. Only what is advertised is ever called; an answer to a method the
/// agent did not advertise is not trusted (the ACP SDK's example agents answer `session/load` with
/// `{}` although they keep nothing).
struct AgentProfile: Sendable, Equatable {
    /// The protocol version the agent agreed to.
    var protocolVersion: Int64
    /// The agent's own name and version, for messages: `fast-agent-acp 0.10.48`.
    var agentDescription: String?
    /// `agentCapabilities.loadSession`.
    var canLoad: Bool
    /// `agentCapabilities.sessionCapabilities.resume`.
    var canResume: Bool
    /// `agentCapabilities.sessionCapabilities.fork` (unstable in ACP 1).
    var canFork: Bool
    /// `agentCapabilities.sessionCapabilities.close`.
    var canClose: Bool
    /// `agentCapabilities.sessionCapabilities.list`.
    var canList: Bool

    /// How a stored conversation can be picked up again.
    enum Reopen: String, Sendable, Equatable {
        /// `session/resume`: the agent restores the session without replaying it.
        case resume
        /// `session/load`: the agent replays the conversation as updates, which the plugin consumes.
        case load
    }

    /// The method used to reopen a conversation, or nil when the agent advertises neither.
    var reopen: Reopen? { canResume ? .resume : canLoad ? .load : nil }

    /// The `initialize` result `result`.
    init(initializeResult result: JSONValue) throws(ProtocolViolation) {
        guard result.objectValue != nil else {
            throw ProtocolViolation("answered initialize with \(result.kindDescription), not an object")
        }
        guard let version = result["protocolVersion"]?.integerValue else {
            throw ProtocolViolation(
                "answered initialize without a protocolVersion: \(JSONWriter.compactString(result))")
        }
        protocolVersion = version
        let info = result["agentInfo"]
        agentDescription = info?["name"]?.stringValue.map { name in
            [name, info?["version"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        }
        let capabilities = result["agentCapabilities"] ?? [:]
        canLoad = capabilities["loadSession"]?.boolValue ?? false
        let sessions = capabilities["sessionCapabilities"] ?? [:]
        // A capability is advertised by an object (possibly empty); null or absent means no.
        func advertised(_ name: String) -> Bool { sessions[name]?.objectValue != nil }
        canResume = advertised("resume")
        canFork = advertised("fork")
        canClose = advertised("close")
        canList = advertised("list")
    }

    /// The advertised session capabilities as words, for the log and for messages.
    var summary: String {
        let words = [
            canLoad ? "loadSession" : nil, canResume ? "resume" : nil, canFork ? "fork" : nil,
            canList ? "list" : nil, canClose ? "close" : nil,
        ].compactMap { $0 }
        return words.isEmpty ? "no session capabilities" : words.joined(separator: ", ")
    }
}

/// A message from the agent that breaks the protocol; the text completes "the agent …".
struct ProtocolViolation: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The model choice an agent offers for a session: a `select` config option of category `model`.
struct ModelOption: Sendable, Equatable {
    /// The option's `id`, for `session/set_config_option`.
    var id: String
    /// The selected value.
    var current: String
    /// The values that may be selected (options flattened out of their groups).
    var values: [String]

    /// The model option among a session's `configOptions`, if the agent offers one.
    static func find(in configOptions: JSONValue?) -> ModelOption? {
        for option in configOptions?.arrayValue ?? [] {
            guard option["category"]?.stringValue == "model", option["type"]?.stringValue == "select",
                let id = option["id"]?.stringValue, let current = option["currentValue"]?.stringValue
            else { continue }
            var values: [String] = []
            for entry in option["options"]?.arrayValue ?? [] {
                if let value = entry["value"]?.stringValue { values.append(value) }
                for grouped in entry["options"]?.arrayValue ?? [] {
                    if let value = grouped["value"]?.stringValue { values.append(value) }
                }
            }
            return ModelOption(id: id, current: current, values: values)
        }
        return nil
    }
}
