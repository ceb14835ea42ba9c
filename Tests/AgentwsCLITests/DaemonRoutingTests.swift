import Foundation
import Testing

/// Issue 5: the session commands go through the daemon when one runs, and act there.
@Suite("CLI: commands routed through the daemon")
struct DaemonRoutingTests {
    @Test func interruptReachesTheTurnRunningInTheDaemon() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        let running = try cli.start(["send", "--thread", "t1", "[echo:sleep 60000] slow"])
        try running.waitFor("new conversation")
        let interrupt = try cli.run("interrupt", "t1").expectSuccess()
        #expect(interrupt.stdout == "interrupted the turn on t1\n")
        let result = running.finish()
        result.expectSuccess()
        #expect(result.stderr.contains("turn ended: cancelled"))
        // The session stays warm in the daemon.
        #expect(try cli.run("show", "t1").stdout.contains("live         idle"))
        let next = try cli.run("send", "--thread", "t1", "next").expectSuccess()
        #expect(next.stdout == "echo-1 turn 2 (start 1): next\n")
    }

    @Test func ctrlCOnARoutedSendCancelsTheTurnInTheDaemon() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        let running = try cli.start(["send", "--thread", "t1", "[echo:sleep 60000] slow"])
        try running.waitFor("new conversation")
        running.signal(SIGINT)
        let result = running.finish()
        result.expectSuccess()
        #expect(result.stderr.contains("turn ended: cancelled"))
        #expect(try cli.run("show", "t1").stdout.contains("live         idle"))
    }

    @Test func listShowAndReapReportTheDaemonsLiveSessions() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let list = try cli.run("list").expectSuccess()
        #expect(list.stdout.hasPrefix("THREAD  PROVIDER  MODEL   STATUS  LIVE"))
        #expect(list.stdout.contains("t1      echo      echo-1  live    idle "))
        let json = try cli.run("list", "--json").expectSuccess()
        let threads = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect((threads.first?["live"] as? [String: Any])?["state"] as? String == "live")
        let reap = try cli.run("reap", "--dry-run").expectSuccess()
        #expect(reap.stdout.hasPrefix("keep t1 (echo): idle "))
        #expect(reap.stdout.contains("< idle_timeout 30m"))
        let stop = try cli.run("stop", "t1").expectSuccess()
        #expect(stop.stdout == "stopped t1; binding and cursor kept\n")
        #expect(try cli.run("show", "t1").stdout.contains("last stop    explicit"))
        let unknown = try cli.run("show", "nobody")
        unknown.expectExit(3)
        #expect(
            unknown.stderr
                == "agentws: error: thread nobody has no binding; 'agentws list' shows the bound threads\n")
    }
}
