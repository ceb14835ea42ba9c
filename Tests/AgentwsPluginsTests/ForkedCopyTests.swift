import AgentwsTestSupport
import Foundation
import Testing

/// The forked spare host of isolated one-shot sends, in a suite of its own so that scripts/tsan runs
/// it (it leaves out IsolationTests, whose plugins crash on purpose): under Thread Sanitizer every
/// agentws here is instrumented, so a copy forked from an instrumented send, mapping its plugin ahead
/// and relaying the session's calls, reports any race in its own standard error, which the send's
/// stderr and the host's log keep.
@Suite("Forked spare host") struct ForkedCopyTests {
    @Test func isolatedSendsServedByForkedCopiesWorkAndReportNoRace() throws {
        let workspace = try IsolationTests.Workspace(fault: "none")
        var environment = workspace.environment
        environment["AGENTWS_LOG_LEVEL"] = "debug"
        var stderr = ""
        for text in ["one", "two", "three"] {
            let outcome = try RunningCommand(
                ["send", "--provider", "good", "--thread", "g1", text], directory: workspace.root,
                environment: environment
            ).finish()
            #expect(outcome.status == 0 && outcome.stdout.contains("fault plugin reply"), "\(outcome)")
            stderr += outcome.stderr
        }
        let log = workspace.hostLogText("good")
        #expect(
            logLines(workspace.hostLog("good"), containing: "=== started agentws-plugin-host") == 1, "\(log)")
        #expect(
            logLines(workspace.hostLog("good"), containing: "=== started as a copy of agentws") == 2, "\(log)"
        )
        #expect(
            logLines(workspace.hostLog("good"), containing: "libfault.so mapped ahead of create") == 2,
            "\(log)")
        #expect(!(stderr + log).contains("ThreadSanitizer"), "\(stderr)\n\(log)")
        #expect(ProcessScan.gone(withEnvironment: workspace.marker, within: .seconds(10)))
    }
}
