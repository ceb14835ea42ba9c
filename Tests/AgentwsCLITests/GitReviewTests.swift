import AgentwsTestSupport
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

/// docs/schema/binding-v2.schema.json describes what the CLI writes.
@Suite("CLI: binding files match their JSON Schema")
struct WrittenBindingSchemaTests {
    @Test func everyFileTheCLIWritesHasExactlyTheSchemasFields() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let root = BuildProducts.repositoryRoot + "/"
        let schemaData = try #require(
            FileManager.default.contents(atPath: root + "docs/schema/binding-v2.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: schemaData) as? [String: Any])
        let required = Set(try #require(schema["required"] as? [String]))
        try cli.run("send", "--thread", "plain", "one").expectSuccess()
        try cli.run("send", "--thread", "moded", "--runtime-mode", "read-only", "one").expectSuccess()
        try cli.run("reset", "plain").expectSuccess()
        for thread in ["plain", "moded"] {
            let fields = try cli.bindingFields(thread)
            #expect(Set(fields.keys) == required, "\(thread)")
            #expect(fields["schemaVersion"] as? Int == 2)
            let id = try #require(fields["threadId"] as? String)
            #expect(id.range(of: "^[a-z0-9][a-z0-9._-]{0,127}$", options: .regularExpression) != nil)
            let created = try #require(fields["createdAt"] as? String)
            #expect(
                created.range(
                    of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                    options: .regularExpression) != nil)
        }
    }
}
