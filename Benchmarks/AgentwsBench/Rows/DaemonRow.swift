/// Row 8: the daemon — echo turns per second and p50/p99 latency with 1, 8 and 32 ACP clients on the
/// socket, and memory per warm idle session.
///
/// TODO(issue 5): measured once `agentws serve` lands. The hook: start `agentws serve` on a scratch
/// workspace, connect N clients to `state/agentws.sock`, have each run `session/new` then a stream
/// of `session/prompt` on its own thread, record each prompt's latency; report turns per second and
/// p50/p99 for N = 1, 8, 32, and the daemon's RSS growth per warm idle session. Until then this row
/// reports itself as pending rather than a made-up figure.
enum DaemonRow {
    static func run(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(number: 8, title: "daemon: echo turns/s, p50/p99 with 1, 8, 32 clients")
        report.pending =
            "TODO(issue 5): measured once `agentws serve` lands; no figure until then (see Rows/DaemonRow.swift "
            + "for what will be measured)"
        return report
    }
}
