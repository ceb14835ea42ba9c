import AgentPluginSupport
import AgentProcess
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

    init(_ options: [String: JSONValue], agent: AgentInstance) throws(PluginError) {
        do throws(OptionReader.Problem) {
            let reader = try OptionReader(options, known: Self.names)
            guard
                let command = try reader.command(
                    "command",
                    example:
                        "command: [fast-agent-acp, --model, passthrough] or command: [gemini, --experimental-acp]"
                )
            else {
                throw OptionReader.Problem(
                    "options.command must name the agent's program, e.g. command: [fast-agent-acp, --model, "
                        + "passthrough] or command: [gemini, --experimental-acp]")
            }
            self.command = command
            arguments = try reader.strings("args") ?? []
            environment = try reader.environment("env")
            processDirectory = try reader.string("cwd", "a directory relative to the workspace")
            mcpServers =
                try reader.value(
                    "mcp_servers", "a list of ACP MCP server objects ({name, command, args, env})"
                ) { value in
                    value.arrayValue.flatMap { servers in
                        servers.allSatisfy({ $0.objectValue != nil }) ? servers : nil
                    }
                } ?? []
            initializeTimeout = try reader.milliseconds("initialize_timeout_ms") ?? initializeTimeout
            requestTimeout = try reader.milliseconds("request_timeout_ms") ?? requestTimeout
            turnTimeout = try reader.milliseconds("turn_timeout_ms")
            stopGrace = try reader.milliseconds("stop_grace_ms") ?? stopGrace
            if let number = try reader.integer(
                "max_message_bytes", in: 4096...(1 << 30), "a whole number from 4096 to 1073741824")
            {
                maxMessageBytes = Int(number)
            }
        } catch {
            throw agent.invalidOptions(error)
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
