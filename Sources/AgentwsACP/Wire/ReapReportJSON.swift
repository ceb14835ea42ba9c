import AgentwsCore
import AgentwsJSON

/// A reaper sweep's report as it crosses the socket (`_agentws/reap`): every decision with its
/// durations in milliseconds, so the client prints exactly what an in-process sweep prints.
package enum ReapReportJSON {
    package static func encode(_ report: ReapReport) -> JSONValue {
        [
            "dryRun": .bool(report.dryRun),
            "decisions": .array(
                report.decisions.map { decision in
                    [
                        "thread": .string(decision.thread.rawValue), "provider": .string(decision.provider),
                        "verdict": .string(verdictName(decision.verdict)),
                        "idleMs": .integer(ThreadReport.milliseconds(decision.idle)),
                        "idleTimeoutMs": .integer(decision.timeout.milliseconds),
                    ]
                }),
            "stopped": .array(report.stopped.map { .string($0.rawValue) }),
            "recovered": .array(report.recovered.map { .string($0.rawValue) }),
            "changed": .array(report.changed.map { .string($0.rawValue) }),
            "failures": .object(
                Dictionary(uniqueKeysWithValues: report.failures.map { ($0.key.rawValue, .string($0.value)) })
            ),
            "unreadable": .object(report.unreadable.mapValues { .string($0) }),
        ]
    }

    /// The name `reap --json` and the wire use for a verdict.
    package static func verdictName(_ verdict: ReapDecision.Verdict) -> String {
        switch verdict {
        case .stop: return "stop"
        case .keepWithinTimeout: return "keep-within-timeout"
        case .keepTurnRunning: return "keep-turn-running"
        case .keepProviderBusy: return "keep-provider-busy"
        }
    }

    package static func decode(_ value: JSONValue) throws(JSONRPCError) -> ReapReport {
        func bad(_ reason: String) -> JSONRPCError {
            JSONRPCError(
                code: JSONRPCError.Code.internalError,
                message: "the daemon sent a reap report this agentws cannot read: \(reason)",
                data: ["exitCode": 1])
        }
        func thread(_ value: JSONValue?) throws(JSONRPCError) -> ThreadID {
            guard let text = value?.stringValue, let id = try? ThreadID(text) else {
                throw bad("bad thread \(value.map(JSONWriter.compactString) ?? "(none)")")
            }
            return id
        }
        var report = ReapReport(dryRun: value["dryRun"]?.boolValue ?? false)
        for decision in value["decisions"]?.arrayValue ?? [] {
            let verdicts: [ReapDecision.Verdict] = [
                .stop, .keepWithinTimeout, .keepTurnRunning, .keepProviderBusy,
            ]
            guard let name = decision["verdict"]?.stringValue,
                let verdict = verdicts.first(where: { verdictName($0) == name }),
                let provider = decision["provider"]?.stringValue,
                let idle = decision["idleMs"]?.integerValue,
                let timeout = decision["idleTimeoutMs"]?.integerValue
            else { throw bad("a decision is incomplete") }
            report.decisions.append(
                ReapDecision(
                    thread: try thread(decision["thread"]), provider: provider, verdict: verdict,
                    idle: .milliseconds(idle), timeout: ConfigDuration(milliseconds: timeout)))
        }
        for id in value["stopped"]?.arrayValue ?? [] { report.stopped.append(try thread(id)) }
        for id in value["recovered"]?.arrayValue ?? [] { report.recovered.append(try thread(id)) }
        for id in value["changed"]?.arrayValue ?? [] { report.changed.append(try thread(id)) }
        for (key, reason) in value["failures"]?.objectValue ?? [:] {
            report.failures[try thread(.string(key))] = reason.stringValue ?? JSONWriter.compactString(reason)
        }
        for (key, reason) in value["unreadable"]?.objectValue ?? [:] {
            report.unreadable[key] = reason.stringValue ?? JSONWriter.compactString(reason)
        }
        return report
    }
}
