import AgentwsStorage
import ArgumentParser
import Foundation

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create .agentws/ in a directory (idempotent; never overwrites).")

    @Argument(help: "The directory to make a workspace (default: the current directory).")
    var directory: String?

    mutating func run() async throws {
        let target = directory ?? FileManager.default.currentDirectoryPath
        try await reportingFailures {
            let report = try WorkspaceInitializer.initialize(at: target)
            if report.created.isEmpty {
                Terminal.line("workspace \(report.workspace.root) already initialised; nothing changed")
            } else {
                Terminal.line("initialised workspace \(report.workspace.root)")
                for path in report.created { Terminal.line("  created \(path)") }
            }
            // In a git repository: the merge driver for binding files (SPEC §13).
            if let repository = GitRepository.containing(report.workspace.root) {
                let (done, warnings) = MergeDriverSetup.install(
                    workspaceRoot: report.workspace.root, repository: repository)
                for line in done { Terminal.line("  " + line) }
                for line in warnings { Terminal.warning(line) }
            }
        }
    }
}
