import Foundation
import Testing

/// `agentws fork` (SPEC §12) with the real CLI and the echo plugin: the fork copies the
/// conversation, both go on independently (echo's turn numbers), the source's file is not touched,
/// and lineage shows in `list`, `show` and `list --tree`.
@Suite("CLI: fork and lineage")
struct ForkCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: CLIHarness.Mode.allCases)
    func aForkGoesOnIndependentlyAndTheSourceFileStaysByteIdentical(_ mode: CLIHarness.Mode) throws {
        let cli = try CLIHarness(mode: mode)
        defer { cli.remove() }
        try cli.run("send", "--thread", "src", "one").expectSuccess()
        try cli.run("send", "--thread", "src", "two").expectSuccess()
        let before = try #require(cli.binding("src"))

        // Through a daemon, src is live there while it is forked.
        let forked = try cli.run("fork", "src", "--thread", "copy", "--json").expectSuccess()
        let result = try json(forked.stdout)
        #expect(result["thread"] as? String == "copy" && result["parent"] as? String == "src")
        #expect(result["provider"] as? String == "echo" && result["model"] as? String == "echo-1")
        #expect(result["method"] as? String == "provider-fork")
        #expect(cli.binding("src") == before)

        let fork = try cli.bindingFields("copy")
        let source = try cli.bindingFields("src")
        #expect((fork["parent"] as? [String: String]) == ["thread": "src"])
        for field in ["provider", "model", "cwd"] {
            #expect(fork[field] as? String == source[field] as? String, "\(field)")
        }
        #expect(fork["runtimeMode"] is NSNull && source["runtimeMode"] is NSNull)
        let forkCursor = try #require(fork["resumeCursor"] as? [String: String])
        #expect(forkCursor != source["resumeCursor"] as? [String: String])

        let onFork = try cli.run("send", "--thread", "copy", "three on the fork").expectSuccess()
        #expect(onFork.stdout.hasPrefix("echo-1 turn 3 "), "\(onFork)")
        let onSource = try cli.run("send", "--thread", "src", "three on the source").expectSuccess()
        #expect(onSource.stdout.hasPrefix("echo-1 turn 3 "), "\(onSource)")
        if mode == .daemon {
            // The daemon's warm session of src went on: it was not restarted by the fork.
            #expect(onSource.stdout.contains("(start 1)"), "\(onSource)")
        }
        let again = try cli.run("send", "--thread", "copy", "four on the fork").expectSuccess()
        #expect(again.stdout.hasPrefix("echo-1 turn 4 "), "\(again)")
        // The fork's sends changed only the fork's file.
        #expect(cli.binding("src") == before)
    }

    /// A provider whose fork is unsupported: the conversation is copied through the echo plugin's
    /// real export and import, under a new cursor, and the scratch file is gone afterwards.
    @Test func withoutAProviderForkTheTranscriptIsExportedAndImported() throws {
        let cli = try CLIHarness(
            config: """
                models:
                  default: nofork/echo-1
                providers:
                  nofork:
                    plugin: echo
                    options:
                      fork: false
                """)
        defer { cli.remove() }
        try cli.run("send", "--thread", "src", "one").expectSuccess()
        try cli.run("send", "--thread", "src", "two").expectSuccess()
        let before = cli.binding("src")
        let forked = try cli.run("fork", "src", "--thread", "copy").expectSuccess()
        #expect(forked.stdout.contains("a transcript export and import"), "\(forked)")
        #expect(
            (try cli.bindingFields("copy")["resumeCursor"] as? [String: String])
                != (try cli.bindingFields("src")["resumeCursor"] as? [String: String]))
        #expect(cli.binding("src") == before)
        let scratch = try? FileManager.default.contentsOfDirectory(atPath: cli.path(".agentws/state/scratch"))
        #expect(scratch ?? [] == [], "\(scratch ?? [])")
        let onCopy = try cli.run("send", "--thread", "copy", "three on the copy").expectSuccess()
        #expect(onCopy.stdout.hasPrefix("echo-1 turn 3 "), "\(onCopy)")
        let onSource = try cli.run("send", "--thread", "src", "three on the source").expectSuccess()
        #expect(onSource.stdout.hasPrefix("echo-1 turn 3 "), "\(onSource)")
        #expect(
            try cli.run("send", "--thread", "copy", "four").expectSuccess().stdout.hasPrefix("echo-1 turn 4 ")
        )
    }

    @Test func refusalsExitWithTheDocumentedCodesAndWriteNothing() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "src", "one").expectSuccess()
        try cli.run("send", "--thread", "taken", "one").expectSuccess()
        let taken = cli.binding("taken")
        let collision = try cli.run("fork", "src", "--thread", "taken")
        collision.expectExit(4)
        #expect(collision.stderr.contains("thread taken exists already"), "\(collision)")
        #expect(cli.binding("taken") == taken)
        let missing = try cli.run("fork", "nobody")
        missing.expectExit(3)
        #expect(missing.stderr.contains("thread nobody has no binding"), "\(missing)")
        try cli.run("fork", "src", "--thread", "Bad/Id").expectExit(64)
        try cli.run("fork", "src", "--thread", "src").expectExit(64)
        // Nothing is left in the scratch directory.
        let scratch =
            (try? FileManager.default.contentsOfDirectory(atPath: cli.path(".agentws/state/scratch")))
        #expect(scratch ?? [] == [])
    }

    @Test func aThreadThatNeverSentForksWithoutAConversation() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "src", "one").expectSuccess()
        try cli.run("reset", "src").expectSuccess()
        let forked = try cli.run("fork", "src", "--thread", "copy").expectSuccess()
        #expect(forked.stdout.contains("no conversation to copy yet"), "\(forked)")
        #expect(try cli.bindingFields("copy")["resumeCursor"] is NSNull)
        let first = try cli.run("send", "--thread", "copy", "first").expectSuccess()
        #expect(first.stdout.hasPrefix("echo-1 turn 1 "), "\(first)")
    }

    @Test func listShowAndTreeShowLineageWithMissingParentsAndLoops() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "root", "one").expectSuccess()
        try cli.run("fork", "root", "--thread", "a").expectSuccess()
        try cli.run("fork", "a", "--thread", "b").expectSuccess()
        try cli.run("fork", "root", "--thread", "c").expectSuccess()

        let show = try cli.run("show", "root").expectSuccess()
        #expect(show.stdout.contains("children     a, c\n"), "\(show)")
        let shown = try json(try cli.run("show", "b", "--json").expectSuccess().stdout)
        let lineage = try #require(shown["lineage"] as? [String: Any])
        #expect(lineage["parent"] as? String == "a" && lineage["parentExists"] as? Bool == true)
        #expect(lineage["children"] as? [String] == [])

        let tree = try cli.run("list", "--tree").expectSuccess()
        #expect(
            tree.stdout == """
                root  echo echo-1 stopped
                ├─ a  echo echo-1 stopped
                │  └─ b  echo echo-1 stopped
                └─ c  echo echo-1 stopped

                """, "\(tree)")

        // The parent is unbound: the forks stay, and say their parent is missing.
        try cli.run("unbind", "root").expectSuccess()
        let list = try cli.run("list").expectSuccess()
        #expect(list.stdout.contains("root (missing: no binding here)"), "\(list)")
        let orphaned = try cli.run("list", "--tree").expectSuccess()
        #expect(orphaned.stdout.hasPrefix("root  (missing: no binding here)\n├─ a  echo"), "\(orphaned)")

        // A hand edit makes a loop: a's parent is b, whose parent is a. Drawing it ends.
        var edited = try cli.bindingFields("a")
        edited["parent"] = ["thread": "b"]
        let bytes = try JSONSerialization.data(
            withJSONObject: edited, options: [.prettyPrinted, .sortedKeys])
        try cli.write(".agentws/bindings/a.json", String(decoding: bytes, as: UTF8.self) + "\n")
        let looped = try cli.run("list", "--tree", "--json").expectSuccess()
        let forest = try #require(try json(looped.stdout)["tree"] as? [[String: Any]])
        let names = forest.map { $0["thread"] as? String }
        // c still hangs under the missing root; a and b form a loop drawn from its smallest id.
        #expect(names == ["a", "root"], "\(looped)")
        #expect(forest.last?["kind"] as? String == "missing")
        let loopChild = (forest.first?["children"] as? [[String: Any]])?.first
        #expect(loopChild?["thread"] as? String == "b")
        #expect(((loopChild?["children"] as? [[String: Any]])?.first)?["kind"] as? String == "cycle")
    }

    /// Issue 14: two branches each fork and each send on different threads → `git merge` is clean
    /// with no merge driver registered.
    @Test func forksOnTwoBranchesMergeCleanlyWithoutTheDriver() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.git("init", "-q", "-b", "main")
        try cli.run("send", "--thread", "base", "one").expectSuccess()
        try cli.run("send", "--thread", "other", "one").expectSuccess()
        try cli.git("add", "-A", ".")
        try cli.git("commit", "-q", "-m", "base")

        try cli.git("checkout", "-q", "-b", "topic")
        try cli.run("fork", "base", "--thread", "base-topic").expectSuccess()
        try cli.run("send", "--thread", "base-topic", "on topic").expectSuccess()
        try cli.run("send", "--thread", "other", "on topic").expectSuccess()
        try cli.git("add", "-A", ".")
        try cli.git("commit", "-q", "-m", "fork on topic")

        try cli.git("checkout", "-q", "main")
        try cli.run("fork", "base", "--thread", "base-main").expectSuccess()
        try cli.run("send", "--thread", "base-main", "on main").expectSuccess()
        try cli.run("send", "--thread", "base", "on main").expectSuccess()
        try cli.git("add", "-A", ".")
        try cli.git("commit", "-q", "-m", "fork on main")

        // No merge driver is registered (git config exits 1 when nothing matches).
        #expect(try cli.gitStatus("config", "--get-regexp", "^merge\\.").status == 1)
        try cli.git("merge", "-q", "--no-edit", "topic")
        #expect(try cli.git("status", "--porcelain", ".agentws") == "")
        let doctor = try cli.run("doctor")
        #expect(!doctor.stdout.contains("conflict"), "\(doctor)")
        let tree = try cli.run("list", "--tree").expectSuccess()
        #expect(tree.stdout.contains("base  echo echo-1 stopped\n├─ base-main  echo"), "\(tree)")
        #expect(tree.stdout.contains("└─ base-topic  echo"), "\(tree)")
        // Every thread resumes its own conversation after the merge.
        #expect(
            try cli.run("send", "--thread", "base-topic", "after").expectSuccess().stdout.hasPrefix(
                "echo-1 turn 3 "))
        #expect(
            try cli.run("send", "--thread", "base-main", "after").expectSuccess().stdout.hasPrefix(
                "echo-1 turn 3 "))
        #expect(
            try cli.run("send", "--thread", "base", "after").expectSuccess().stdout.hasPrefix(
                "echo-1 turn 3 "))
    }
}
