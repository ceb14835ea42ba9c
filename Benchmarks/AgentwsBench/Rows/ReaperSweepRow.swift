import AgentwsCore

/// Row 6: one reaper sweep — `Reaper.decide` — over 100,000 live sessions in memory.
enum ReaperSweepRow {
    static func run(_ settings: Settings) async throws -> RowReport {
        let count = 100_000
        var report = RowReport(
            number: 6, title: "reaper sweep over \(Format.grouped(Int64(count))) live sessions")
        var configuration = Configuration.defaults
        configuration.providers["codex"] = .init(plugin: "codex", idleTimeout: .hours(2))
        configuration.providers["claude"] = .init(plugin: "claude", idleTimeout: .hours(1))
        let providers = ["echo", "codex", "claude"]
        let now = Duration.seconds(4 * 3600)
        var sessions: [LiveSessionSnapshot] = []
        sessions.reserveCapacity(count)
        var random = SplitMix(seed: 7)
        for index in 0..<count {
            sessions.append(
                LiveSessionSnapshot(
                    thread: try ThreadID("session-\(index)"), provider: providers[index % providers.count],
                    lastActivity: .milliseconds(Int64(random.next() % (4 * 3_600_000))),
                    turnRunning: index % 97 == 0, providerBusy: index % 89 == 0))
        }

        var times: [Double] = []
        var stops = 0
        for _ in 0..<(settings.quick ? 5 : 31) {
            var decisions: [ReapDecision] = []
            let elapsed = MonotonicTime.measure {
                decisions = Reaper.decide(sessions: sessions, configuration: configuration, now: now)
            }
            guard decisions.count == count else {
                throw BenchError("the sweep decided \(decisions.count) sessions")
            }
            stops = decisions.reduce(0) { $0 + ($1.verdict == .stop ? 1 : 0) }
            times.append(Double(elapsed) / 1e6)
        }
        report.checks.append(
            "every sweep decided all \(Format.grouped(Int64(count))) sessions (\(Format.grouped(Int64(stops)))"
                + " to stop, across 3 providers with their own idle_timeout)")
        report.lines.append(
            ResultLine(
                label: "Reaper.decide, one sweep", value: Summary(times), unit: .milliseconds,
                target: .atMost(5)))
        return report
    }
}
