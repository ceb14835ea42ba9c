import AgentwsTestSupport
import Foundation
import Testing

/// Issue 5: `agentws serve` keeps sessions warm, reaps idle ones on its own, and stops every session
/// (cursor kept) when it is told to stop — through the real binary and the real echo plugin.
@Suite("CLI: the daemon's lifecycle")
struct DaemonLifecycleTests {
    @Test func twoSendsThroughTheDaemonShareOneProviderSessionAndWriteNothing() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        let first = try cli.run("send", "--thread", "t1", "one").expectSuccess()
        #expect(first.stdout == "echo-1 turn 1 (start 1): one\n")
        let path = cli.path(".agentws/bindings/t1.json")
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        let bytes = cli.binding("t1")
        let second = try cli.run("send", "--thread", "t1", "two").expectSuccess()
        // Warm: the provider conversation was started once, and the turn wrote no file.
        #expect(second.stdout == "echo-1 turn 2 (start 1): two\n")
        #expect(second.stderr.contains("thread t1 · echo/echo-1 · live session"))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == before)
        #expect(cli.binding("t1") == bytes)
        #expect(try cli.status("t1") == "live")
        #expect(try cli.bindingFields("t1")["status"] == nil)
    }

    @Test func theReaperStopsIdleSessionsButNotOneWithATurnRunning() throws {
        let cli = try CLIHarness(
            config: "reaper:\n  idle_timeout: 1s\n  sweep_interval: 200ms\n", mode: .daemon)
        defer { cli.remove() }
        try cli.run("send", "--thread", "idle", "one").expectSuccess()
        let cursor = try cli.bindingFields("idle")["resumeCursor"] as? [String: String]
        let slow = try cli.start(["send", "--thread", "busy", "[echo:sleep 60000] slow"])
        try slow.waitFor("thread busy · echo/echo-1 · new conversation")

        try waitUntil("the idle thread is reaped") {
            try cli.run("show", "idle").stdout.contains("last stop    idle")
        }
        let reaped = try cli.bindingFields("idle")
        #expect(try cli.status("idle") == "stopped")
        #expect(reaped["resumeCursor"] as? [String: String] == cursor)
        // The slow turn has been running for longer than the idle timeout, and is still live.
        let busy = try cli.run("show", "busy").expectSuccess()
        #expect(busy.stdout.contains("status       live"))
        #expect(busy.stdout.contains("live         turn running"))
        #expect(cli.daemonLog.contains("reaper: stop idle (echo): idle"))
        #expect(cli.daemonLog.contains("thread=idle"))

        try cli.run("interrupt", "busy").expectSuccess()
        #expect(slow.finish().stderr.contains("turn ended: cancelled"))
        let resumed = try cli.run("send", "--thread", "idle", "two").expectSuccess()
        #expect(resumed.stdout == "echo-1 turn 2 (start 2): two\n")
        #expect(resumed.stderr.contains("resumed"))
    }

    @Test func sigtermStopsEverySessionKeepsTheCursorsAndExitsZero() throws {
        var cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        try cli.run("send", "--thread", "t2", "one").expectSuccess()
        let cursors = try ["t1", "t2"].map { try cli.bindingFields($0)["resumeCursor"] as? [String: String] }
        let slow = try cli.start(["send", "--thread", "t3", "[echo:sleep 60000] slow"])
        try slow.waitFor("new conversation")

        let stop = cli.stopDaemon()
        let stopped = try #require(stop)
        #expect(stopped.status == 0, "\(stopped)")
        // The running turn was interrupted and answered before the daemon went away.
        let interrupted = slow.finish()
        interrupted.expectSuccess()
        #expect(interrupted.stderr.contains("turn ended: cancelled"))
        for thread in ["t1", "t2", "t3"] {
            let fields = try cli.bindingFields(thread)
            #expect(try cli.status(thread) == "stopped", "\(thread)")
            #expect(fields["resumeCursor"] is [String: String], "\(thread)")
            #expect(try cli.run("show", thread).stdout.contains("last stop    shutdown"))
        }
        #expect(
            try ["t1", "t2"].map { try cli.bindingFields($0)["resumeCursor"] as? [String: String] } == cursors
        )
        #expect(!cli.exists(".agentws/state/agentws.sock"))

        _ = try cli.startDaemon()
        let resumed = try cli.run("send", "--thread", "t1", "two").expectSuccess()
        #expect(resumed.stdout == "echo-1 turn 2 (start 2): two\n")
        #expect(resumed.stderr.contains("resumed"))
    }

    @Test func aKilledDaemonsSocketIsReplacedAndItsThreadsRecovered() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let killed = try cli.startDaemon()
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        killed.signal(SIGKILL)
        _ = killed.finish()
        #expect(cli.exists(".agentws/state/agentws.sock"))
        // No daemon holds the lock: commands work in-process and see the orphan.
        #expect(try cli.run("list").expectSuccess().stdout.contains("owner gone"))

        let daemon = try cli.startDaemon()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.finish()
        }
        #expect(cli.daemonLog.contains("removed the socket"))
        let next = try cli.run("send", "--thread", "t1", "two").expectSuccess()
        #expect(next.stderr.contains("recovered"))
        #expect(next.stdout == "echo-1 turn 2 (start 2): two\n")
    }

    @Test func aDaemonWhoseWorkspaceIsDeletedShutsDown() throws {
        let cli = try CLIHarness(config: "reaper:\n  idle_timeout: 1s\n  sweep_interval: 200ms\n")
        defer { cli.remove() }
        let daemon = try cli.startDaemon()
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        try FileManager.default.removeItem(atPath: cli.path(".agentws"))
        let ended = daemon.finish()
        #expect(ended.status == 0, "\(ended)")
        #expect(ended.stderr.contains("is gone; shutting down"))
    }

    @Test func oneDaemonPerWorkspace() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        let second = try cli.run("serve")
        second.expectExit(4)
        #expect(second.stderr.contains("already serves"))
        // The first one is unharmed.
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
    }

    @Test func setIsRefusedWhileADaemonServesTheWorkspace() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        let refused = try cli.run("list", "--set", "reaper.idle_timeout=5m")
        refused.expectExit(64)
        #expect(refused.stderr.contains("restart it with the setting"))
    }
}
