import Foundation
import Testing

/// SPEC §1 promise 3: `git diff` after a day of work shows only meaningful changes.
@Suite("CLI: bindings under git")
struct GitReviewTests {
    @Test func turnsLeaveNoDiffAndAModelChangeShowsOnlyItsLine() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        _ = try cli.git("init", "-q")
        let threads = ["alpha", "beta", "gamma"]
        for thread in threads { try cli.run("send", "--thread", thread, "first").expectSuccess() }
        _ = try cli.git("add", ".agentws")
        _ = try cli.git("commit", "-q", "-m", "threads")
        for turn in 0..<17 {
            try cli.run("send", "--thread", threads[turn % 3], "turn \(turn)").expectSuccess()
        }
        try cli.run("stop", "beta").expectSuccess()
        #expect(try cli.git("status", "--porcelain", ".agentws/bindings") == "")
        // The state directory is ignored, not committed.
        #expect(
            try cli.git("status", "--porcelain", "--ignored", ".agentws/state").contains(
                "!! .agentws/state/"))

        try cli.run("send", "--thread", "beta", "--model", "echo-2", "switch").expectSuccess()
        let diff = try cli.git("diff", "--unified=0", ".agentws/bindings")
        let changed = diff.split(separator: "\n").filter {
            ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---")
        }
        #expect(changed == ["-  \"model\": \"echo-1\",", "+  \"model\": \"echo-2\","], "\(diff)")
    }
}
