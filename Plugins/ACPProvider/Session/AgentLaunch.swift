import AgentPluginSupport
import AgentProcess
import ProviderKit

/// Exactly what is run for one agent process, and where its stderr goes.
struct AgentLaunch: Sendable {
    var command: ProcessCommand
    var options: ACPOptions
    /// The provider instance, for messages.
    var instance: String
    /// What the process is for, for the stderr log: `thread t1`.
    var purpose: String
    /// The file the agent's stderr is appended to.
    var logPath: String

    /// The program's name for messages: `fast-agent-acp`.
    var agentName: String { options.agentName }

    /// The plan for a session whose working directory is `sessionDirectory`: the host's environment
    /// with the options' changes, the program looked up on that environment's PATH (a name with a
    /// slash is taken relative to the workspace), run in `options.cwd` (relative to the workspace)
    /// or else in the session's directory.
    init(options: ACPOptions, agent: AgentInstance, sessionDirectory: String, purpose: String)
        throws(PluginError)
    {
        let environment = AgentInstance.environment(options.environment)
        let program = options.command[0]
        let executable = try agent.locate(program, environment: environment, install: "install the agent")
        let directory = options.processDirectory.map(agent.path) ?? sessionDirectory
        command = ProcessCommand(
            executable: executable, arguments: [program] + options.commandArguments, environment: environment,
            directory: directory)
        self.options = options
        self.instance = agent.name
        self.purpose = purpose
        self.logPath = agent.logPath
    }
}
