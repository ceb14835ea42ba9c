import Foundation
import Testing

/// SPEC §1 promise 3: `git diff` after a day of work shows only meaningful changes.
@Suite("CLI: bindings under git")
struct GitReviewTests {
    func git(_ cli: CLIHarness, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", cli.root] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        var environment = cli.environment
        environment["GIT_AUTHOR_NAME"] = "test"
        environment["GIT_AUTHOR_EMAIL"] = "test@example.invalid"
        environment["GIT_COMMITTER_NAME"] = "test"
        environment["GIT_COMMITTER_EMAIL"] = "test@example.invalid"
        process.environment = environment
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
        return String(decoding: data, as: UTF8.self)
    }

    @Test func turnsLeaveNoDiffAndAModelChangeShowsOnlyItsLine() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        _ = try git(cli, "init", "-q")
        let threads = ["alpha", "beta", "gamma"]
        for thread in threads { try cli.run("send", "--thread", thread, "first").expectSuccess() }
        _ = try git(cli, "add", ".agentws")
        _ = try git(cli, "commit", "-q", "-m", "threads")
        for turn in 0..<17 {
            try cli.run("send", "--thread", threads[turn % 3], "turn \(turn)").expectSuccess()
        }
        try cli.run("stop", "beta").expectSuccess()
        #expect(try git(cli, "status", "--porcelain", ".agentws/bindings") == "")
        // The state directory is ignored, not committed.
        #expect(
            try git(cli, "status", "--porcelain", "--ignored", ".agentws/state").contains(
                "!! .agentws/state/"))

        try cli.run("send", "--thread", "beta", "--model", "echo-2", "switch").expectSuccess()
        let diff = try git(cli, "diff", "--unified=0", ".agentws/bindings")
        let changed = diff.split(separator: "\n").filter {
            ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---")
        }
        #expect(changed == ["-  \"model\": \"echo-1\",", "+  \"model\": \"echo-2\","], "\(diff)")
    }
}
