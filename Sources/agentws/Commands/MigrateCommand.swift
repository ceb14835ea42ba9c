import AgentwsCore
import AgentwsJSON
import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Rewrite every binding file of an older schema in the current one.",
        discussion: """
            Older files keep working without it: agentws reads them, and rewrites one only when its \
            meaning changes. 'migrate' converts them all at once, so that the format change is one \
            reviewable commit. What an old file held of one machine ('status', 'lastError') moves to \
            this machine's .agentws/state/ first. Running it again changes nothing. A file that cannot \
            be read, was written by a newer agentws, or whose thread is live in another process (stop \
            it, or the daemon, first) is reported and left as it is.
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    mutating func run() async throws {
        let options = workspaceOptions
        let json = output.json
        try await reportingFailures(json: json) {
            let context = try CommandContext.open(options)
            let service = context.makeService(residency: .oneShot, store: try context.openStore())
            let report = await service.migrate()
            if json {
                Terminal.json(Self.json(report))
            } else {
                for (thread, from) in report.migrated {
                    Terminal.line("migrated \(thread): schema \(from) → \(Binding.currentSchemaVersion)")
                }
                for (thread, reason, _) in report.leftAlone {
                    Terminal.line("left alone \(thread): \(reason)")
                }
                Terminal.line(
                    "\(report.migrated.count) migrated, \(report.current.count) already schema \(Binding.currentSchemaVersion), \(report.leftAlone.count) left alone"
                )
            }
            // The most serious reason anything was left alone decides the exit code.
            if let worst = report.leftAlone.map(\.category).max(by: { $0.exitCode < $1.exitCode }) {
                throw ExitCode(worst.exitCode)
            }
        }
    }

    static func json(_ report: MigrationReport) -> JSONValue {
        [
            "migrated": .array(
                report.migrated.map { ["thread": .string($0.thread.rawValue), "from": .integer($0.from)] }),
            "current": .array(report.current.map { .string($0.rawValue) }),
            "leftAlone": .array(
                report.leftAlone.map {
                    [
                        "thread": .string($0.thread), "reason": .string($0.reason),
                        "exitCode": .integer(Int64($0.category.exitCode)),
                    ]
                }),
            "schemaVersion": .integer(Binding.currentSchemaVersion),
        ]
    }
}
