import AgentwsJSON
import ProviderKit

/// The `options` of an `acp` provider instance (docs/providers/acp.md).
struct ACPOptions: Sendable {
    /// The agent's program and its leading arguments. Required: there is no default ACP agent.
    var command: [String]
    /// More arguments, after `command`.
    var arguments: [String] = []
    /// Variables to add to (a string) or remove from (null) the environment the agent inherits.
    var environment: [String: String?] = [:]
    /// The directory the agent process runs in, relative to the workspace (absolute is taken as is);
    /// nil: the session's working directory.
    var processDirectory: String?
    /// MCP servers handed to the agent with every `session/new`, `session/resume` and `session/load`,
    /// in ACP's own form.
    var mcpServers: [JSONValue] = []
    /// How long the agent may take to answer `initialize` (a Python agent takes seconds to import).
    var initializeTimeout: Duration = .seconds(60)
    /// How long any other request may take, except `session/prompt`.
    var requestTimeout: Duration = .seconds(60)
    /// How long a turn may take; nil: no limit (a turn ends when the agent says so, or when it dies).
    var turnTimeout: Duration?
    /// How long a stopping agent gets after end of input, and again after SIGTERM.
    var stopGrace: Duration = .seconds(3)
    /// The longest line (one JSON-RPC message) the agent may write; a longer one ends the agent.
    var maxMessageBytes = 1 << 20

    private static let names = [
        "args", "command", "cwd", "env", "initialize_timeout_ms", "max_message_bytes", "mcp_servers",
        "request_timeout_ms", "stop_grace_ms", "turn_timeout_ms",
    ]

    init(_ options: [String: JSONValue], instance: String) throws(PluginError) {
        func refuse(_ problem: String) -> PluginError {
            PluginError(code: .invalidRequest, message: "provider \"\(instance)\" (acp): \(problem)")
        }
        for name in options.keys.sorted() where !Self.names.contains(name) {
            throw refuse("unknown option \"\(name)\"; the options are \(Self.names.joined(separator: ", "))")
        }
        func strings(_ name: String) throws(PluginError) -> [String]? {
            guard let value = options[name], !value.isNull else { return nil }
            let texts = value.arrayValue?.compactMap(\.stringValue)
            guard let texts, texts.count == value.arrayValue?.count else {
                throw refuse("option \(name) must be a list of strings, got \(value)")
            }
            return texts
        }
        func milliseconds(_ name: String) throws(PluginError) -> Duration? {
            guard let value = options[name], !value.isNull else { return nil }
            guard let number = value.integerValue, number > 0 else {
                throw refuse("option \(name) must be a whole number of milliseconds above 0, got \(value)")
            }
            return .milliseconds(number)
        }

        guard let command = try strings("command"), let program = command.first, !program.isEmpty else {
            throw refuse(
                "option command must name the agent's program, e.g. command: [fast-agent-acp, --model, "
                    + "passthrough] or command: [gemini, --experimental-acp]")
        }
        self.command = command
        arguments = try strings("args") ?? []
        if let value = options["env"], !value.isNull {
            guard let members = value.objectValue else {
                throw refuse(
                    "option env must be a mapping of variable names to strings or null, got \(value)")
            }
            for (name, text) in members {
                guard !name.isEmpty, !name.contains("=") else {
                    throw refuse("option env has the variable name \"\(name)\", which cannot be set")
                }
                switch text {
                case .string(let string): environment[name] = .some(string)
                case .null: environment[name] = .some(nil)
                default: throw refuse("option env.\(name) must be a string or null, got \(text)")
                }
            }
        }
        if let value = options["cwd"], !value.isNull {
            guard let text = value.stringValue, !text.isEmpty else {
                throw refuse("option cwd must be a directory relative to the workspace, got \(value)")
            }
            processDirectory = text
        }
        if let value = options["mcp_servers"], !value.isNull {
            guard let servers = value.arrayValue, servers.allSatisfy({ $0.objectValue != nil }) else {
                throw refuse(
                    "option mcp_servers must be a list of ACP MCP server objects ({name, command, args, env}), "
                        + "got \(value)")
            }
            mcpServers = servers
        }
        initializeTimeout = try milliseconds("initialize_timeout_ms") ?? initializeTimeout
        requestTimeout = try milliseconds("request_timeout_ms") ?? requestTimeout
        turnTimeout = try milliseconds("turn_timeout_ms")
        stopGrace = try milliseconds("stop_grace_ms") ?? stopGrace
        if let value = options["max_message_bytes"], !value.isNull {
            guard let number = value.integerValue, number >= 4096, number <= 1 << 30 else {
                throw refuse(
                    "option max_message_bytes must be a whole number from 4096 to 1073741824, got \(value)")
            }
            maxMessageBytes = Int(number)
        }
    }

    /// The agent's name for messages: the program's file name, or for an interpreter (`python3
    /// agent.py`, `node cli.js`, `uvx gptme-acp`) the script's or package's.
    var agentName: String {
        func base(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
        let program = base(command[0])
        let interpreters = ["bash", "bun", "deno", "node", "npx", "pipx", "sh", "uv", "uvx"]
        guard program.hasPrefix("python") || interpreters.contains(program) else { return program }
        let words = Array(command.dropFirst()) + arguments
        guard let script = words.first(where: { !$0.hasPrefix("-") && $0 != "run" }) else { return program }
        return base(script)
    }

    /// The whole argument list after the program name.
    var commandArguments: [String] { Array(command.dropFirst()) + arguments }
}
