import AgentProcess
import AgentwsJSON
import Testing

@testable import AgentwsPlugins

/// The slot a request written ahead of its answer waits on (`PluginHost.send`).
@Suite struct ReplySlotTests {
    @Test func anAnswerGivenBeforeAnyoneWaitsIsKept() async throws {
        let slot = ReplySlot()
        slot.give(.success(["n": 1]))
        #expect(try await slot.reply().get() == ["n": 1])
        // Asked again, the same answer.
        #expect(try await slot.reply().get() == ["n": 1])
    }

    @Test func waitersAreWokenByTheAnswerAndOnlyTheFirstAnswerCounts() async throws {
        let slot = ReplySlot()
        async let first = slot.reply()
        async let second = slot.reply()
        // Give once both are (very likely) waiting; either way both must get the first answer.
        try await Task.sleep(for: .milliseconds(20))
        slot.give(.success("first"))
        slot.give(.success("second"))
        #expect(try await first.get() == "first")
        #expect(try await second.get() == "first")
    }

    @Test func aFailureIsHandedOverAsGiven() async {
        let slot = ReplySlot()
        let failure = JSONRPCFailure(name: "host", method: "create", reason: .invalidAnswer("no result"))
        slot.give(.failure(failure))
        guard case .failure(let got) = await slot.reply() else {
            Issue.record("the failure was not handed over")
            return
        }
        #expect(got.method == "create")
    }
}
