import AgentwsJSON
import Foundation
import Testing

extension CodexAppServerTests {
    /// Ctrl-C during `agentws send` interrupts the codex turn (`turn/interrupt`), not codex.
    @Suite("interrupt")
    struct InterruptTests {
        @Test func ctrlCInterruptsTheTurnAndTheThreadGoesOn() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let send = try codex.start(["send", "--thread", "t1", "tell me a long story [[hold]]"])
            // The mock has sent its first piece and holds the rest until codex hangs up.
            try send.waitForOutput("mock#1:")
            send.signal(SIGINT)
            let interrupted = send.finish()
            #expect(interrupted.status == 0, "\(interrupted)")
            #expect(interrupted.stderr.contains("turn ended: cancelled"), "\(interrupted)")
            let held = try #require(try codex.mock.requests().first?["seq"]?.integerValue)
            // Codex dropped the model stream: the interrupt reached codex, which stayed alive to do it.
            #expect(try codex.mock.streamOutcome(held) == "client-disconnected")
            #expect(try codex.shown("t1")["status"] == "stopped")

            let next = try codex.run("send", "--thread", "t1", "shorter please")
            #expect(next.status == 0, "\(next)")
            #expect(next.stdout == "mock#2: shorter please\n")
            let last = try #require(try codex.mock.requests().last)
            let users = ResponsesMock.texts(last, role: "user")
            #expect(users.contains("tell me a long story [[hold]]"))
            // Codex tells the model the previous turn was cut short on purpose.
            #expect(users.contains { $0.contains("<turn_aborted>") }, "\(users)")
            #expect(codex.codexGone())
        }
    }
}
