/// Row 7: a whole `agentws send` on the echo provider, process start to exit, against
/// `agentws --version` (the cost of starting the binary at all), alternately.
enum WholeProcessRow {
    static func run(_ settings: Settings) async throws -> RowReport {
        let pairs = settings.size(31, quick: 5)
        var report = RowReport(number: 7, title: "whole-process agentws send on echo")
        let agentws = settings.buildDirectory + "/agentws"
        let workspace = settings.scratch + "/row7"
        try Files.makeDirectories(workspace)
        var environment = Spawn.currentEnvironment()
        environment["AGENTWS_WORKSPACE"] = workspace
        environment["AGENTWS_PLUGIN_PATH"] = nil
        environment["XDG_CONFIG_HOME"] = workspace + "/no-user-config"

        // A build just before (scripts/bench) leaves plugin files that every send would map.
        try SettledPlugins.wait(in: [settings.buildDirectory])
        let initialised = try Spawn.run(agentws, ["init", workspace], environment: environment)
        guard initialised.succeeded else { throw BenchError("agentws init \(workspace) failed") }
        let send = [agentws, "send", "--thread", "bench", "hello from the benchmark"]
        let version = [agentws, "--version"]
        // The first send creates the thread; every measured one resumes it, the common case.
        for command in [send, version] {
            let outcome = try Spawn.run(command[0], Array(command.dropFirst()), environment: environment)
            guard outcome.succeeded else { throw BenchError("\(command.joined(separator: " ")) failed") }
        }

        var wall: [[Double]] = [[], []]
        var cpu: [[Double]] = [[], []]
        for pair in 0..<pairs {
            for offset in 0..<2 {
                let which = (pair + offset) % 2
                let command = which == 0 ? send : version
                let outcome = try Spawn.run(command[0], Array(command.dropFirst()), environment: environment)
                guard outcome.succeeded else {
                    throw BenchError("\(command.joined(separator: " ")) exited with \(outcome.status)")
                }
                wall[which].append(Double(outcome.wallNanoseconds) / 1e6)
                cpu[which].append(Double(outcome.cpuNanoseconds) / 1e6)
            }
        }
        report.checks.append("every send exited 0 and resumed the same echo conversation")
        report.lines = [
            ResultLine(
                label: "agentws send (echo, resumed thread), wall", value: Summary(wall[0]),
                unit: .milliseconds,
                ratio: Ratio(
                    baseline: "agentws --version", value: Summary.ratios(wall[0], wall[1]), target: .atMost(3)
                )),
            ResultLine(label: "agentws --version, wall", value: Summary(wall[1]), unit: .milliseconds),
            ResultLine(label: "agentws send, CPU (user+sys)", value: Summary(cpu[0]), unit: .milliseconds),
            ResultLine(
                label: "agentws --version, CPU (user+sys)", value: Summary(cpu[1]), unit: .milliseconds),
        ]
        report.notes.append(
            "wall time is posix_spawn to wait4; CPU time is the child's user+system time from wait4; "
                + "wall minus CPU is time spent waiting, mostly on fsync (see docs/performance.md)")
        return report
    }
}
