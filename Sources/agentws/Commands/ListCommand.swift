import AgentwsCore
import AgentwsJSON
import ArgumentParser

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the workspace's threads with their bindings and live state.")

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    mutating func run() async throws {
        let options = workspaceOptions
        let json = output.json
        try await reportingFailures(json: json) {
            let context = try CommandContext.open(options)
            let service = context.makeService(residency: .oneShot, store: try context.openStore())
            let statuses = try await service.list()
            if json {
                Terminal.json(.array(statuses.map(StatusFormatting.json)))
                return
            }
            if statuses.isEmpty {
                Terminal.line("no threads yet; 'agentws send MESSAGE' starts one")
                return
            }
            let rows = statuses.map { status -> [String] in
                switch status.listing {
                case .binding(let binding):
                    return [
                        status.thread, binding.provider, binding.model ?? "-", binding.status.rawValue,
                        StatusFormatting.liveText(status.liveness),
                        StatusFormatting.lastStopText(status.runtime),
                    ]
                case .unreadable(_, let error):
                    return [status.thread, "?", "?", "unreadable", "-", error.description]
                }
            }
            Terminal.out(
                StatusFormatting.table(["THREAD", "PROVIDER", "MODEL", "STATUS", "LIVE", "LAST STOP"], rows))
            if statuses.contains(where: {
                if case .unreadable = $0.listing { return true } else { return false }
            }) {
                throw ExitCode(ErrorCategory.invalidData.exitCode)
            }
        }
    }
}
