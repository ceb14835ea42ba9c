import AgentwsJSON
import Foundation
import Testing

extension ACPProviderTests {
    /// The ACP Python SDK's example agents (`echo_agent.py`, `agent.py`): they advertise neither
    /// `loadSession` nor `sessionCapabilities.resume` and keep nothing, so a stopped thread cannot be
    /// resumed — and agentws says so instead of faking it, although `agent.py` would answer a
    /// `session/load` it never advertised with `{}`.
    @Suite("the ACP SDK's example agents")
    struct SDKExampleTests {
        @Test(arguments: ["sdk-echo", "sdk-example"])
        func aTurnWorksAndAResumeIsReportedAsImpossible(provider: String) throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let providers = try acp.run("providers", "--json")
            #expect(providers.status == 0, "\(providers)")
            let described = try JSONParser.parse(providers.stdout)
            let instance = try #require(
                described["providers"]?.arrayValue?.first { $0["name"]?.stringValue == provider },
                "no instance \(provider) in \(providers.stdout)")
            #expect(instance["capabilities"]?["canResume"] == false, "\(instance)")

            let first = try acp.run("send", "--thread", "e1", "--model", "\(provider)/example", "hello there")
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout.contains("hello there"), "\(first)")
            let session = try acp.cursorSession("e1")
            let bound = acp.bindingText("e1")
            #expect(acp.agentsGone())

            let again = try acp.run("send", "--thread", "e1", "are you still there?")
            #expect(again.status == 6, "\(again)")
            #expect(again.stderr.contains("cannot resume a session"), "\(again)")
            #expect(again.stderr.contains("neither sessionCapabilities.resume nor loadSession"), "\(again)")
            #expect(again.stderr.contains(session), "\(again)")
            #expect(acp.bindingText("e1") == bound, "the cursor is kept")
            #expect(try acp.shown("e1")["status"] == "error")
            #expect(acp.agentsGone())

            let fresh = try acp.run("send", "--fresh", "--thread", "e1", "start again")
            #expect(fresh.status == 0, "\(fresh)")
            #expect(fresh.stdout.contains("start again"), "\(fresh)")
            #expect(fresh.stderr.contains("NOT carried over"), "\(fresh)")
        }
    }
}
