import Foundation
import Testing

@Suite("CLI: runtime mode")
struct RuntimeModeTests {
    @Test func aNewThreadRecordsItsRuntimeModeAndABoundThreadKeepsIt() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "--runtime-mode", "read-only", "one").expectSuccess()
        #expect(try cli.bindingFields("t1")["runtimeMode"] as? String == "read-only")
        // Repeating the same mode, or leaving it out, is fine.
        try cli.run("send", "--thread", "t1", "--runtime-mode", "read-only", "two").expectSuccess()
        try cli.run("send", "--thread", "t1", "three").expectSuccess()
        let before = try #require(cli.binding("t1"))
        let refused = try cli.run("send", "--thread", "t1", "--runtime-mode", "full-access", "four")
        refused.expectExit(4)
        #expect(refused.stderr.contains("was bound with runtime mode read-only"))
        #expect(refused.stderr.contains("agentws unbind t1"))
        #expect(cli.binding("t1") == before)
        #expect(try cli.run("show", "t1").stdout.contains("runtime mode read-only"))
    }
}
