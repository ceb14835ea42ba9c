import AgentwsACP
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
            let reports = try await Self.reports(context, options: options)
            if json {
                Terminal.json(.array(reports.map(\.json)))
                return
            }
            if reports.isEmpty {
                Terminal.line("no threads yet; 'agentws send MESSAGE' starts one")
                return
            }
            let rows = reports.map { report -> [String] in
                guard let binding = report.binding else {
                    return [report.thread, "?", "?", "unreadable", "-", report.error ?? "-"]
                }
                return [
                    report.thread, binding.provider, binding.model ?? "-", report.state?.name ?? "-",
                    StatusFormatting.liveText(report.liveness), StatusFormatting.lastStopText(report.runtime),
                ]
            }
            Terminal.out(
                StatusFormatting.table(["THREAD", "PROVIDER", "MODEL", "STATUS", "LIVE", "LAST STOP"], rows))
            if reports.contains(where: { $0.binding == nil }) {
                throw ExitCode(ErrorCategory.invalidData.exitCode)
            }
        }
    }

    /// Every thread: from the daemon when one serves the workspace, else read here.
    static func reports(_ context: CommandContext, options: WorkspaceOptions) async throws -> [ThreadReport] {
        let collected = Collected<[ThreadReport]>()
        try await SessionRoute.run(context, options: options) { daemon in
            let result = try await daemon.call(ACPMethod.list, [:])
            collected.set(
                try (result["threads"]?.arrayValue ?? []).map { value throws(JSONRPCError) in
                    try ThreadReport(json: value)
                })
        } local: {
            let service = context.makeService(residency: .oneShot, store: try context.openStore())
            collected.set(try await service.list().map(ThreadReport.init))
        }
        return collected.value ?? []
    }
}
