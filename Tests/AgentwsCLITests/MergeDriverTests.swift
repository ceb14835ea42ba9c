import Foundation
import Testing

/// SPEC §13 with real git and the real CLI: ordinary merges are clean, the driver merges what can be
/// merged, and a split conversation is a conflict that agentws explains and `resolve` ends.
@Suite("CLI: git merges of bindings", .serialized)
struct MergeDriverTests {
    /// A repository with thread t1 committed on `main`, the driver registered unless `driver` is false.
    func repository(driver: Bool = true) throws -> CLIHarness {
        let cli = try CLIHarness()
        try cli.git("init", "-q", "-b", "main")
        if driver {
            let registered = try cli.run("init").expectSuccess()
            #expect(registered.stdout.contains("registered the merge driver"), "\(registered)")
            #expect(cli.read(".gitattributes")?.contains(".agentws/bindings/*.json merge=agentws") == true)
        }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        try cli.git("add", "-A", ".")
        try cli.git("commit", "-q", "-m", "t1")
        return cli
    }

    /// Two branches that each gave t1 a new conversation (a reset and a send).
    func splitConversation(_ cli: CLIHarness) throws {
        try cli.git("checkout", "-q", "-b", "other")
        try cli.run("reset", "t1").expectSuccess()
        try cli.run("send", "--thread", "t1", "theirs").expectSuccess()
        try cli.git("commit", "-q", "-am", "t1 anew on other")
        try cli.git("checkout", "-q", "main")
        try cli.run("reset", "t1").expectSuccess()
        try cli.run("send", "--thread", "t1", "ours").expectSuccess()
        try cli.git("commit", "-q", "-am", "t1 anew on main")
    }

    func cursor(_ cli: CLIHarness, _ thread: String) throws -> String? {
        (try cli.bindingFields(thread)["resumeCursor"] as? [String: String])?["conversation"]
    }

    @Test func branchesChangingDifferentThreadsMergeCleanlyWithoutTheDriver() throws {
        let cli = try repository(driver: false)
        defer { cli.remove() }
        try cli.git("checkout", "-q", "-b", "other")
        try cli.run("send", "--thread", "t2", "on other").expectSuccess()
        try cli.run("reset", "t1").expectSuccess()
        try cli.git("add", "-A", ".")
        try cli.git("commit", "-q", "-m", "t2, t1 reset")
        try cli.git("checkout", "-q", "main")
        try cli.run("send", "--thread", "t3", "on main").expectSuccess()
        try cli.git("add", "-A", ".")
        try cli.git("commit", "-q", "-m", "t3")
        try cli.git("merge", "-q", "--no-edit", "other")
        #expect(try cli.git("status", "--porcelain", ".agentws") == "")
        let list = try cli.run("list").expectSuccess()
        for thread in ["t1", "t2", "t3"] { #expect(list.stdout.contains(thread + " ")) }
        #expect(try cli.bindingFields("t1")["resumeCursor"] is NSNull)
    }

    @Test func theDriverMergesChangesToDifferentFieldsOfOneThread() throws {
        let cli = try repository()
        defer { cli.remove() }
        try cli.git("checkout", "-q", "-b", "other")
        try cli.run("send", "--thread", "t1", "--model", "echo-2", "switch").expectSuccess()
        try cli.git("commit", "-q", "-am", "t1 on echo-2")
        try cli.git("checkout", "-q", "main")
        try cli.run("reset", "t1").expectSuccess()
        try cli.run("send", "--thread", "t1", "anew").expectSuccess()
        let ourCursor = try cursor(cli, "t1")
        try cli.git("commit", "-q", "-am", "t1 anew")
        try cli.git("merge", "-q", "--no-edit", "other")
        let merged = try cli.bindingFields("t1")
        #expect(merged["model"] as? String == "echo-2")
        #expect(try cursor(cli, "t1") == ourCursor)
        // Canonical bytes: reading and rewriting it changes nothing.
        let bytes = cli.binding("t1")
        try cli.run("migrate").expectSuccess()
        #expect(cli.binding("t1") == bytes)
        #expect(bytes?.hasSuffix("}\n") == true && bytes?.contains("  \"model\": \"echo-2\",\n") == true)
        // And the thread goes on: our conversation, their model.
        let next = try cli.run("send", "--thread", "t1", "merged").expectSuccess()
        #expect(next.stdout == "echo-2 turn 2 (start 2): merged\n", "\(next)")
    }

    @Test func aSplitConversationIsAConflictThatResolveEnds() throws {
        let cli = try repository()
        defer { cli.remove() }
        try splitConversation(cli)
        let ours = try cursor(cli, "t1")
        try cli.git("checkout", "-q", "other")
        let theirCursor = try cursor(cli, "t1")
        try cli.git("checkout", "-q", "main")
        #expect(ours != theirCursor)

        for side in ["--ours", "--theirs", "--both"] {
            let merge = try cli.gitStatus("merge", "--no-edit", "other")
            #expect(merge.status != 0, "merge succeeded for \(side)")
            #expect(merge.stderr.contains("CONFLICT (agentws)"), "\(merge.stderr)")
            #expect(merge.stderr.contains("agentws resolve t1 --ours|--theirs|--both"))
            let show = try cli.run("show", "t1")
            show.expectExit(5)
            #expect(
                show.stderr.contains("both branches changed thread t1 differently (resumeCursor: ours"),
                "\(show)")
            let doctor = try cli.run("doctor")
            #expect(doctor.stdout.contains("agentws resolve t1 --ours|--theirs|--both"), "\(doctor)")
            let resolved = try cli.run("resolve", "t1", side).expectSuccess()
            #expect(resolved.stdout.contains("git add -A .agentws/bindings/t1.json"), "\(resolved)")
            switch side {
            case "--ours": #expect(try cursor(cli, "t1") == ours)
            case "--theirs": #expect(try cursor(cli, "t1") == theirCursor)
            default:
                #expect(try cursor(cli, "t1") == ours)
                #expect(try cursor(cli, "t1-theirs") == theirCursor)
                #expect(try cli.bindingFields("t1-theirs")["parent"] as? [String: String] == ["thread": "t1"])
                // Both conversations go on.
                #expect(
                    try cli.run("send", "--thread", "t1-theirs", "x").expectSuccess().stdout.hasPrefix(
                        "echo-1 turn 2 "))
                #expect(
                    try cli.run("send", "--thread", "t1", "y").expectSuccess().stdout.hasPrefix(
                        "echo-1 turn 2 "))
            }
            try cli.git("add", "-A", ".agentws")
            try cli.git("commit", "-q", "--no-edit")
            #expect(try cli.run("doctor").status == 0)
            try cli.git("reset", "-q", "--hard", "HEAD~1")
            try cli.git("clean", "-q", "-fd", ".agentws/bindings")
        }
    }

    @Test func withoutTheDriverATextConflictIsExplainedAndResolvedFromGitsIndex() throws {
        let cli = try repository(driver: false)
        defer { cli.remove() }
        try splitConversation(cli)
        let ours = try cursor(cli, "t1")
        let merge = try cli.gitStatus("merge", "--no-edit", "other")
        #expect(merge.status != 0)
        let doctor = try cli.run("doctor")
        #expect(doctor.stdout.contains("merge-conflict marker"), "\(doctor)")
        #expect(doctor.stdout.contains("agentws resolve t1 --ours|--theirs|--both"), "\(doctor)")
        try cli.run("resolve", "t1", "--ours").expectSuccess()
        #expect(try cursor(cli, "t1") == ours)
        // A repository that has the attribute but not the driver (a fresh clone) is told how to fix it.
        try cli.write(".gitattributes", ".agentws/bindings/*.json merge=agentws\n")
        let unregistered = try cli.run("doctor")
        #expect(unregistered.stdout.contains("git config merge.agentws.driver"), "\(unregistered)")
        try cli.run("init").expectSuccess()
        #expect(!(try cli.run("doctor").stdout.contains("does not define it")))
    }

    @Test func aRebaseReplaysThroughTheDriver() throws {
        let cli = try repository()
        defer { cli.remove() }
        try cli.git("checkout", "-q", "-b", "feature")
        try cli.run("send", "--thread", "t1", "--model", "echo-2", "switch").expectSuccess()
        try cli.git("commit", "-q", "-am", "t1 on echo-2")
        try cli.git("checkout", "-q", "main")
        try cli.run("reset", "t1").expectSuccess()
        try cli.run("send", "--thread", "t1", "anew").expectSuccess()
        let mainCursor = try cursor(cli, "t1")
        try cli.git("commit", "-q", "-am", "t1 anew")
        try cli.git("checkout", "-q", "feature")
        try cli.git("rebase", "-q", "main")
        #expect(try cli.bindingFields("t1")["model"] as? String == "echo-2")
        #expect(try cursor(cli, "t1") == mainCursor)
    }

    @Test func initIsIdempotentAndNeverReplacesAnotherAttribute() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.git("init", "-q")
        try cli.write(".gitattributes", "*.png binary\n.agentws/bindings/*.json merge=union\n")
        let first = try cli.run("init").expectSuccess()
        #expect(first.stderr.contains("left as it is"), "\(first)")
        #expect(cli.read(".gitattributes") == "*.png binary\n.agentws/bindings/*.json merge=union\n")
        try cli.write(".gitattributes", "*.png binary\n")
        try cli.run("init").expectSuccess()
        let once = cli.read(".gitattributes")
        let second = try cli.run("init").expectSuccess()
        #expect(cli.read(".gitattributes") == once)
        #expect(!second.stdout.contains("registered"))
        #expect(once?.hasPrefix("*.png binary\n") == true)
    }
}
