import AgentwsACP
import AgentwsCore
import AgentwsJSON
import AgentwsStorage
import ArgumentParser

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the workspace's threads with their bindings and live state.")

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Draw the fork lineage: each thread under the thread it was forked from.")
    var tree = false

    mutating func run() async throws {
        let options = workspaceOptions
        let json = output.json
        let tree = tree
        try await reportingFailures(json: json) {
            let workspace = try CommandContext.locate(options)
            let reports = try await Self.reports(workspace, options: options)
            let lineage = ThreadLineage(
                parents: Dictionary(
                    reports.map { ($0.thread, $0.binding?.parent?.thread.rawValue) },
                    uniquingKeysWith: { a, _ in a }
                ))
            if json {
                if tree {
                    Terminal.json(["threads": .array(reports.map(\.json)), "tree": Self.json(lineage.tree())])
                } else {
                    Terminal.json(.array(reports.map(\.json)))
                }
                return
            }
            if reports.isEmpty {
                Terminal.line("no threads yet; 'agentws send MESSAGE' starts one")
                return
            }
            if tree {
                let byThread = Dictionary(reports.map { ($0.thread, $0) }, uniquingKeysWith: { a, _ in a })
                Terminal.out(
                    StatusFormatting.tree(lineage.tree()) { thread in
                        guard let report = byThread[thread] else { return "" }
                        guard let binding = report.binding else {
                            return "  (unreadable: \(report.error ?? "?"))"
                        }
                        return "  \(binding.provider) \(binding.model ?? "-") \(report.state?.name ?? "-")"
                    })
            } else {
                Terminal.out(
                    StatusFormatting.table(
                        ["THREAD", "PROVIDER", "MODEL", "STATUS", "LIVE", "LAST STOP", "PARENT"],
                        reports.map { report in
                            let parent = report.binding.map {
                                StatusFormatting.parentText($0, exists: report.parentExists)
                            }
                            return Self.row(report) + [parent ?? "-"]
                        }))
            }
            if reports.contains(where: { $0.binding == nil }) {
                throw ExitCode(ErrorCategory.invalidData.exitCode)
            }
        }
    }

    /// A thread's columns before PARENT.
    static func row(_ report: ThreadReport) -> [String] {
        guard let binding = report.binding else {
            return [report.thread, "?", "?", "unreadable", "-", report.error ?? "-"]
        }
        return [
            report.thread, binding.provider, binding.model ?? "-", report.state?.name ?? "-",
            StatusFormatting.liveText(report.liveness), StatusFormatting.lastStopText(report.runtime),
        ]
    }

    /// The lineage forest as `list --tree --json` prints it.
    static func json(_ nodes: [ThreadLineage.Node]) -> JSONValue {
        .array(
            nodes.map { node in
                let kind: String
                switch node.kind {
                case .thread: kind = "thread"
                case .missing: kind = "missing"
                case .cycle: kind = "cycle"
                }
                return [
                    "thread": .string(node.thread), "kind": .string(kind), "children": json(node.children),
                ]
            })
    }

    /// Every thread: from the daemon when one serves the workspace, else read here.
    static func reports(_ workspace: Workspace, options: WorkspaceOptions) async throws -> [ThreadReport] {
        let collected = Collected<[ThreadReport]>()
        try await SessionRoute.run(workspace, options: options) { daemon in
            let result = try await daemon.call(ACPMethod.list, [:])
            collected.set(
                try (result["threads"]?.arrayValue ?? []).map { value throws(JSONRPCError) in
                    try ThreadReport(json: value)
                })
        } local: { context in
            let service = context.makeService(residency: .oneShot, store: try context.openStore())
            collected.set(try await service.list().map(ThreadReport.init))
        }
        return collected.value ?? []
    }
}
