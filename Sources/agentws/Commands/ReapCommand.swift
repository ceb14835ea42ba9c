import AgentwsACP
import AgentwsCore
import AgentwsJSON
import ArgumentParser

struct ReapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reap",
        abstract: "Run one reaper sweep: stop idle sessions, recover threads whose owner died.",
        discussion: """
            Idle sessions live in the daemon ('agentws serve'), which sweeps on its own every \
            reaper.sweep_interval; while it runs, this command asks it for one sweep now. Without a \
            daemon there are no live sessions to reap: the sweep only reconciles bindings left 'active' \
            by processes that are gone.
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Decide and print, change nothing.")
    var dryRun = false

    mutating func run() async throws {
        let options = workspaceOptions
        let json = output.json
        let dryRun = dryRun
        try await reportingFailures(json: json) {
            let workspace = try CommandContext.locate(options)
            let collected = Collected<ReapReport>()
            try await SessionRoute.run(workspace, options: options) { daemon in
                let result = try await daemon.call(ACPMethod.reap, ["dryRun": .bool(dryRun)])
                collected.set(try ReapReportJSON.decode(result))
            } local: { context in
                let service = context.makeService(residency: .oneShot, store: try context.openStore())
                collected.set(await service.reap(dryRun: dryRun))
            }
            guard let report = collected.value else { return }
            ReapPrinter.print(report, json: json)
            if !report.failures.isEmpty { throw ExitCode.failure }
        }
    }
}

/// Prints a reaper report (shared with the daemon's `_agentws/reap`).
enum ReapPrinter {
    static func print(_ report: ReapReport, json: Bool) {
        if json {
            Terminal.json(self.json(report))
            return
        }
        let prefix = report.dryRun ? "would " : ""
        if report.decisions.isEmpty { Terminal.line("no live sessions in this process") }
        for decision in report.decisions {
            Terminal.line(
                decision.verdict == .stop && report.dryRun
                    ? "would " + decision.description : decision.description)
        }
        for thread in report.recovered {
            Terminal.line(
                "\(prefix)recover \(thread): left live by a process that is gone → stopped (recovered), cursor kept"
            )
        }
        for thread in report.changed {
            Terminal.line("stopped \(thread): its binding file changed underneath the live session (changed)")
        }
        for (thread, reason) in report.failures.sorted(by: { $0.key < $1.key }) {
            Terminal.line("failed \(thread): \(reason)")
        }
        for (thread, reason) in report.unreadable.sorted(by: { $0.key < $1.key }) {
            Terminal.line("skipped \(thread): \(reason)")
        }
    }

    static func json(_ report: ReapReport) -> JSONValue {
        [
            "dryRun": .bool(report.dryRun),
            "decisions": .array(
                report.decisions.map { decision in
                    let verdict = ReapReportJSON.verdictName(decision.verdict)
                    return [
                        "thread": .string(decision.thread.rawValue), "provider": .string(decision.provider),
                        "verdict": .string(verdict),
                        "idle": .string(StatusFormatting.format(decision.idle)),
                        "idleTimeout": .string(decision.timeout.description),
                        "reason": .string(decision.description),
                    ]
                }),
            "stopped": .array(report.stopped.map { .string($0.rawValue) }),
            "recovered": .array(report.recovered.map { .string($0.rawValue) }),
            "changed": .array(report.changed.map { .string($0.rawValue) }),
            "failures": .object(
                Dictionary(
                    uniqueKeysWithValues: report.failures.map {
                        ($0.key.rawValue, JSONValue.string($0.value))
                    })),
            "unreadable": .object(report.unreadable.mapValues { JSONValue.string($0) }),
        ]
    }

}
