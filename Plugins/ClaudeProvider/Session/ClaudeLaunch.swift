import AgentPluginSupport
import AgentProcess
import AgentwsSystem
import ProviderKit

/// How a session's Claude process finds its conversation.
enum ConversationStart: Sendable, Equatable {
    /// A new conversation with the id agentws chose (`--session-id`).
    case fresh(String)
    /// An existing conversation (`--resume`).
    case resume(String)
    /// A copy of `source` under the new id `id` (`--resume source --fork-session --session-id id`).
    case fork(source: String, id: String)

    /// The id of the conversation the process works on.
    var id: String {
        switch self {
        case .fresh(let id), .resume(let id), .fork(_, let id): return id
        }
    }

    var arguments: [String] {
        switch self {
        case .fresh(let id): return ["--session-id", id]
        case .resume(let id): return ["--resume", id]
        case .fork(let source, let id): return ["--resume", source, "--fork-session", "--session-id", id]
        }
    }
}

/// The environment Claude runs in, and where it keeps its conversations.
struct ClaudeEnvironment: Sendable {
    /// The program, resolved.
    let executable: String
    /// The whole environment of the child.
    let variables: [String: String]
    private let options: ClaudeOptions

    init(options: ClaudeOptions, agent: AgentInstance) throws(PluginError) {
        var variables = AgentInstance.environment(options.environment)
        if let directory = options.configDirectory {
            variables["CLAUDE_CONFIG_DIR"] = agent.path(directory)
        }
        executable = try agent.locate(
            options.command[0], environment: variables, install: "install Claude Code")
        self.variables = variables
        self.options = options
    }

    /// Claude's configuration directory: `CLAUDE_CONFIG_DIR`, else `~/.claude` of the child's HOME.
    var configDirectory: String? {
        if let directory = variables["CLAUDE_CONFIG_DIR"], !directory.isEmpty { return directory }
        guard let home = variables["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.claude"
    }

    /// The command of one session's process.
    func command(
        start: ConversationStart, directory: String, model: String?, policy: PermissionPolicy
    ) -> ProcessCommand {
        var arguments = [options.command[0]] + options.command.dropFirst()
        arguments += [
            "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose",
            "--include-partial-messages", "--permission-prompt-tool", "stdio",
        ]
        if let mode = policy.mode { arguments += ["--permission-mode", mode] }
        if let model { arguments += ["--model", model] }
        arguments += start.arguments + options.arguments
        return ProcessCommand(
            executable: executable, arguments: arguments, environment: variables, directory: directory)
    }
}
