import AgentwsConfig
import AgentwsCore
import AgentwsStorage
import ArgumentParser

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration and where each value came from.")

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    mutating func run() async throws {
        let options = workspaceOptions
        let json = output.json
        try await reportingFailures(json: json) {
            // Outside a workspace the defaults, user file, environment and flags still apply.
            let workspace = try? Workspace.locate(
                explicit: options.workspace, environment: CommandContext.environment,
                currentDirectory: CommandContext.currentDirectory)
            if options.workspace != nil, workspace == nil {
                _ = try Workspace.locate(
                    explicit: options.workspace, environment: CommandContext.environment,
                    currentDirectory: CommandContext.currentDirectory)
            }
            let loaded = try CommandContext.loadConfiguration(workspace: workspace, options: options)
            if json {
                Terminal.json(loaded.renderJSON())
            } else {
                Terminal.out(loaded.renderText())
            }
        }
    }
}
