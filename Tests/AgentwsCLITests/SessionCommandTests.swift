import Foundation
import Testing

/// Issue 4's list, each through the real CLI and the real echo plugin.
@Suite("CLI: sessions on the echo provider")
struct SessionCommandTests {
    static let twoProviders = """
        providers:
          echo:
            plugin: echo
          cecho:
            plugin: c-echo

        """

    @Test func stopKeepsTheBindingAndTheNextSendResumes() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let first = try cli.run("send", "--thread", "t1", "hello").expectSuccess()
        #expect(first.stdout == "echo-1 turn 1 (start 1): hello\n")
        #expect(first.stderr.contains("thread t1 · echo/echo-1 · new conversation"))
        try cli.run("send", "--thread", "t1", "again").expectSuccess()
        let before = try cli.bindingFields("t1")
        try cli.run("stop", "t1").expectSuccess()
        let stopped = try cli.bindingFields("t1")
        #expect(try cli.status("t1") == "stopped")
        #expect(stopped["provider"] as? String == "echo" && stopped["model"] as? String == "echo-1")
        #expect(
            (stopped["resumeCursor"] as? [String: String]) == (before["resumeCursor"] as? [String: String]))
        #expect(stopped["resumeCursor"] is [String: String])
        let resumed = try cli.run("send", "--thread", "t1", "after the stop").expectSuccess()
        #expect(resumed.stdout == "echo-1 turn 3 (start 3): after the stop\n")
        #expect(resumed.stderr.contains("resumed"))
        let show = try cli.run("show", "t1").expectSuccess()
        #expect(show.stdout.contains("last stop    exit at"))
    }

    @Test func stopOnAStoppedThreadSucceedsAndKeepsEverything() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "hello").expectSuccess()
        let before = cli.binding("t1")
        try cli.run("stop", "t1").expectSuccess()
        try cli.run("stop", "t1").expectSuccess()
        #expect(cli.binding("t1") == before)
        let unbound = try cli.run("stop", "nobody")
        unbound.expectExit(3)
    }

    @Test(arguments: CLIHarness.Mode.allCases)
    func resetDropsTheCursorAndKeepsTheProvider(mode: CLIHarness.Mode) throws {
        let cli = try CLIHarness(mode: mode)
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "--model", "echo-2", "one").expectSuccess()
        try cli.run("send", "--thread", "t1", "two").expectSuccess()
        try cli.run("reset", "t1").expectSuccess()
        let fields = try cli.bindingFields("t1")
        #expect(fields["resumeCursor"] is NSNull)
        #expect(fields["provider"] as? String == "echo" && fields["model"] as? String == "echo-2")
        let next = try cli.run("send", "--thread", "t1", "three").expectSuccess()
        #expect(next.stdout == "echo-2 turn 1 (start 1): three\n")
    }

    @Test(arguments: CLIHarness.Mode.allCases)
    func unbindDeletesTheFileSoAnotherProviderMayBind(mode: CLIHarness.Mode) throws {
        let cli = try CLIHarness(config: Self.twoProviders, mode: mode)
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        try cli.run("unbind", "t1").expectSuccess()
        #expect(!cli.exists(".agentws/bindings/t1.json"))
        let other = try cli.run("send", "--thread", "t1", "--provider", "cecho", "two").expectSuccess()
        #expect(other.stdout.contains("c-echo turn 1"))
        #expect(try cli.bindingFields("t1")["provider"] as? String == "cecho")
        try cli.run("unbind", "t1").expectSuccess()
        try cli.run("unbind", "t1").expectExit(3)
    }

    @Test(arguments: CLIHarness.Mode.allCases)
    func aProviderSwitchIsRefusedAndTheFileStaysByteIdentical(mode: CLIHarness.Mode) throws {
        let cli = try CLIHarness(config: Self.twoProviders, mode: mode)
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let before = try #require(cli.binding("t1"))
        let refused = try cli.run("send", "--thread", "t1", "--provider", "cecho", "two")
        refused.expectExit(4)
        #expect(refused.stderr.contains("bound to provider 'echo'"))
        #expect(refused.stderr.contains("agentws unbind t1"))
        #expect(cli.binding("t1") == before)
    }

    @Test func anInSessionModelChangeKeepsTheCursor() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let cursor = try cli.bindingFields("t1")["resumeCursor"] as? [String: String]
        let switched = try cli.run("send", "--thread", "t1", "--model", "echo-2", "two").expectSuccess()
        #expect(switched.stdout == "echo-2 turn 2 (start 2): two\n")
        let fields = try cli.bindingFields("t1")
        #expect(fields["model"] as? String == "echo-2")
        #expect(fields["resumeCursor"] as? [String: String] == cursor)
    }

    @Test func aRestartModelChangeStartsFreshAndRecordsTheModel() throws {
        let cli = try CLIHarness(
            config: "providers:\n  echo:\n    plugin: echo\n    options:\n      model_switch: restart\n")
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        try cli.run("send", "--thread", "t1", "two").expectSuccess()
        let oldCursor = try cli.bindingFields("t1")["resumeCursor"] as? [String: String]
        let switched = try cli.run("send", "--thread", "t1", "--model", "echo-2", "three").expectSuccess()
        #expect(switched.stdout == "echo-2 turn 1 (start 1): three\n")
        #expect(switched.stderr.contains("started a fresh echo conversation"))
        let fields = try cli.bindingFields("t1")
        #expect(fields["model"] as? String == "echo-2")
        #expect(fields["resumeCursor"] as? [String: String] != oldCursor)
        // The fresh conversation is the one that resumes from now on.
        let next = try cli.run("send", "--thread", "t1", "four").expectSuccess()
        #expect(next.stdout == "echo-2 turn 2 (start 2): four\n")
    }

    @Test(arguments: CLIHarness.Mode.allCases)
    func aRejectedModelChangeExitsFourAndChangesNothing(mode: CLIHarness.Mode) throws {
        let cli = try CLIHarness(
            config:
                "models:\n  on_change: reject\nproviders:\n  echo:\n    plugin: echo\n    options:\n      model_switch: restart\n",
            mode: mode)
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let before = try #require(cli.binding("t1"))
        let refused = try cli.run("send", "--thread", "t1", "--model", "echo-2", "two")
        refused.expectExit(4)
        #expect(refused.stderr.contains("models.on_change is 'reject'"))
        #expect(cli.binding("t1") == before)
    }

    @Test(arguments: CLIHarness.Mode.allCases)
    func aModelOutsideAllowIsRefusedWithTheAllowedList(mode: CLIHarness.Mode) throws {
        let cli = try CLIHarness(config: "models:\n  allow: [\"echo/echo-1\"]\n", mode: mode)
        defer { cli.remove() }
        let refused = try cli.run("send", "--thread", "t1", "--model", "echo/echo-2", "one")
        refused.expectExit(64)
        #expect(
            refused.stderr.contains("model echo/echo-2 is not allowed by models.allow; allowed: echo/echo-1"))
        #expect(!cli.exists(".agentws/bindings/t1.json"))
    }

    @Test func aLostConversationExitsSixKeepsTheCursorAndFreshReplacesIt() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "remember [echo:forget]").expectSuccess()
        let cursor = try #require(try cli.bindingFields("t1")["resumeCursor"] as? [String: String])
        let bytesBefore = cli.binding("t1")
        let failed = try cli.run("send", "--thread", "t1", "are you there")
        failed.expectExit(6)
        #expect(failed.stderr.contains("cannot resume thread t1"))
        #expect(failed.stderr.contains(cursor["conversation"] ?? "?"))
        var fields = try cli.bindingFields("t1")
        // The failure is this machine's: shown, never written into the shared file.
        #expect(cli.binding("t1") == bytesBefore)
        let shown = try cli.shown("t1")
        #expect(shown["status"] as? String == "error")
        #expect((shown["lastError"] as? String)?.contains("cannot resume thread t1") == true)
        #expect(try cli.run("show", "t1").stdout.contains("last error   cannot resume thread t1"))
        #expect(fields["resumeCursor"] as? [String: String] == cursor)

        let fresh = try cli.run("send", "--thread", "t1", "--fresh", "start over").expectSuccess()
        #expect(fresh.stdout == "echo-1 turn 1 (start 1): start over\n")
        #expect(fresh.stderr.contains("warning:") && fresh.stderr.contains("NOT carried over"))
        fields = try cli.bindingFields("t1")
        #expect(try cli.status("t1") == "stopped" && (try cli.shown("t1"))["lastError"] is NSNull)
        #expect(fields["resumeCursor"] as? [String: String] != cursor)
        // Only the cursor changed in the file.
        let changedLines = zip(
            (bytesBefore ?? "").split(separator: "\n"), (cli.binding("t1") ?? "").split(separator: "\n")
        ).filter { $0.0 != $0.1 }
        #expect(changedLines.count == 1 && changedLines.first?.1.contains("\"conversation\"") == true)
    }

    @Test func onResumeFailureFreshInTheConfigurationAlsoReplaces() throws {
        let cli = try CLIHarness(config: "sessions:\n  on_resume_failure: fresh\n")
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "remember [echo:forget]").expectSuccess()
        let result = try cli.run("send", "--thread", "t1", "again").expectSuccess()
        #expect(result.stdout == "echo-1 turn 1 (start 1): again\n")
        #expect(result.stderr.contains("NOT carried over"))
    }

    @Test func aKilledCLILeavesTheBindingActiveAndTheNextCommandRecoversIt() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let cursor = try cli.bindingFields("t1")["resumeCursor"] as? [String: String]
        let running = try cli.start(["send", "--thread", "t1", "slow [echo:sleep 20000]"])
        try running.waitFor("· resumed")
        // Killed once echo has counted the message (turn 2), so the next one is turn 3.
        try cli.waitForFile(in: ".agentws/state/providers/echo/conversations", containing: "echo:sleep 20000")
        running.signal(SIGKILL)
        _ = running.finish()
        #expect(cli.read(".agentws/state/threads/t1.json")?.contains("\"ownerPid\": null") == false)
        let list = try cli.run("list").expectSuccess()
        #expect(list.stdout.contains("owner gone"))
        let next = try cli.run("send", "--thread", "t1", "three").expectSuccess()
        #expect(next.stderr.contains("recovered"))
        #expect(next.stdout == "echo-1 turn 3 (start 3): three\n")
        #expect(try cli.bindingFields("t1")["resumeCursor"] as? [String: String] == cursor)
        #expect(try cli.run("show", "t1").stdout.contains("last stop    exit"))
    }

    @Test func aProviderCrashMidTurnIsRecoveredByTheNextCommand() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let crashed = try cli.run("send", "--thread", "t1", "going down now [echo:crash]")
        #expect(crashed.status != 0)
        #expect(try cli.run("list").stdout.contains("owner gone"))
        let stop = try cli.run("stop", "t1").expectSuccess()
        #expect(stop.stderr.contains("recovered"))
        #expect(try cli.status("t1") == "stopped")
        let show = try cli.run("show", "t1").expectSuccess()
        #expect(
            show.stdout.contains("last stop    explicit") || show.stdout.contains("last stop    recovered"))
        try cli.run("send", "--thread", "t1", "back").expectSuccess()
    }

    @Test func aSecondProcessOnABusyThreadFailsFastOrWaits() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let owner = try cli.start(["send", "--thread", "t1", "slow [echo:sleep 4000]"])
        try owner.waitFor("· resumed")
        let busy = try cli.run("send", "--thread", "t1", "me too")
        busy.expectExit(4)
        #expect(busy.stderr.contains("busy (owned by pid \(owner.pid))"))
        let stop = try cli.run("stop", "t1")
        stop.expectExit(4)
        let waiter = try cli.run("send", "--wait", "--thread", "t1", "after you").expectSuccess()
        #expect(waiter.stdout == "echo-1 turn 3 (start 3): after you\n")
        owner.finish().expectSuccess()
    }

    @Test(arguments: CLIHarness.Mode.allCases)
    func jsonOutputIsOneEventPerLine(mode: CLIHarness.Mode) throws {
        let cli = try CLIHarness(mode: mode)
        defer { cli.remove() }
        let result = try cli.run("send", "--json", "--thread", "t1", "two words").expectSuccess()
        let events = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(events.first?["type"] as? String == "session")
        #expect(events.first?["start"] as? String == "fresh")
        #expect(events.last?["type"] as? String == "turn_finished")
        #expect(events.last?["stopReason"] as? String == "end_turn")
        let text = events.filter { $0["type"] as? String == "text" }.compactMap { $0["text"] as? String }
            .joined()
        #expect(text == "echo-1 turn 1 (start 1): two words")
        let error = try cli.run("send", "--json", "--thread", "t1", "--provider", "nope", "x")
        error.expectExit(3)
        #expect(error.stdout.contains("\"type\":\"error\""))
    }

    @Test(arguments: CLIHarness.Mode.allCases)
    func aNewThreadGetsAGeneratedID(mode: CLIHarness.Mode) throws {
        let cli = try CLIHarness(mode: mode)
        defer { cli.remove() }
        let result = try cli.run("send", "hello").expectSuccess()
        let files = try FileManager.default.contentsOfDirectory(atPath: cli.path(".agentws/bindings"))
        #expect(files.count == 1)
        let thread = try #require(files.first?.replacingOccurrences(of: ".json", with: ""))
        #expect(result.stderr.contains("thread \(thread)"))
        #expect(thread.count == "20261201-010224-k3f9".count)
    }

    @Test func interruptWithoutALiveSessionIsAnError() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let result = try cli.run("interrupt", "t1")
        result.expectExit(1)
        #expect(result.stderr.contains("no live session"))
    }

    @Test func ctrlCInterruptsTheTurnAndTheThreadStaysResumable() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let running = try cli.start(["send", "--thread", "t1", "slow [echo:sleep 20000]"])
        try running.waitFor("new conversation")
        running.signal(SIGINT)
        let result = running.finish()
        result.expectSuccess()
        #expect(result.stderr.contains("turn ended: cancelled"))
        #expect(try cli.status("t1") == "stopped")
        try cli.run("send", "--thread", "t1", "next").expectSuccess()
    }
}
