import AgentPluginSupport
import AgentProcess
import ProviderKit

/// Exactly what is run for one session: the resolved program, argv and environment.
struct LaunchPlan: Sendable {
    /// The command: program, argv, environment, working directory (the session's).
    var command: ProcessCommand
    /// What the process is for, for the log: `thread t1`.
    var purpose: String

    /// The plan for `options`: the host's environment with the options' changes, and the program
    /// looked up on that environment's PATH (`AgentInstance`).
    init(options: CodexOptions, agent: AgentInstance, directory: String, purpose: String) throws(PluginError)
    {
        // Codex colours its stderr log lines even into a pipe; the log file wants plain text.
        let environment = AgentInstance.environment(["NO_COLOR": "1"].merging(options.environment) { $1 })
        let program = options.command[0]
        let executable = try agent.locate(program, environment: environment, install: "install the Codex CLI")
        self.command = ProcessCommand(
            executable: executable, arguments: [program] + options.commandArguments, environment: environment,
            directory: directory)
        self.purpose = purpose
    }
}
