import AgentwsJSON

extension ACPAgent {
    /// The ACP major version agentws speaks.
    static let protocolVersion: Int64 = 1

    /// `initialize`: the protocol version and what this agent supports. agentws speaks version 1
    /// and answers 1 whatever the client asked; a client that cannot speak it disconnects.
    func initialize(_ params: Params) throws(JSONRPCError) -> JSONValue {
        _ = try params.integer("protocolVersion")
        return [
            "protocolVersion": .integer(Self.protocolVersion),
            "agentCapabilities": [
                // session/load must replay the conversation; providers keep their history to themselves,
                // so agentws offers session/resume instead.
                "loadSession": false,
                "promptCapabilities": ["image": false, "audio": false, "embeddedContext": true],
                "mcpCapabilities": ["http": false, "sse": false],
                "sessionCapabilities": ["list": [:], "resume": [:], "close": [:], "fork": [:]],
            ],
            "authMethods": [],
            "agentInfo": [
                "name": "agentws", "title": "agentws", "version": .string(environment.agentVersion),
            ],
            "_meta": [
                "agentws": [
                    "workspace": .string(service.workspaceRoot),
                    "extensions": .array(ACPMethod.extensions.map(JSONValue.string)),
                ]
            ],
        ]
    }
}
