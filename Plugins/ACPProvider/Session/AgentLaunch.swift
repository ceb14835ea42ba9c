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
    init(
        options: ACPOptions, instance: String, workspace: String, sessionDirectory: String, purpose: String,
        logPath: String
    ) throws(PluginError) {
        var environment = ProgramLookup.hostEnvironment()
        for (name, value) in options.environment {
            environment[name] = value
        }
        let program = options.command[0]
        let executable: String
        do {
            executable = try ProgramLookup.locate(program, path: environment["PATH"], relativeTo: workspace)
        } catch {
            throw PluginError(
                code: .providerFailed,
                message:
                    "\(error); install the agent or set providers.\(instance).options.command to its path")
        }
        let directory =
            options.processDirectory.map { $0.hasPrefix("/") ? $0 : workspace + "/" + $0 } ?? sessionDirectory
        command = ProcessCommand(
            executable: executable, arguments: [program] + options.commandArguments, environment: environment,
            directory: directory)
        self.options = options
        self.instance = instance
        self.purpose = purpose
        self.logPath = logPath
    }
}
