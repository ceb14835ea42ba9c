import AgentwsTestSupport
import Foundation
import Testing

/// Issue 10 / SPEC §1 promise 3, §3.2, §4.4: binding files hold only what is true on every clone, and
/// under a running daemon the file is the source of truth. Real CLI, real echo plugin, real git.
@Suite("CLI: bindings shared through git", .serialized)
struct SharedBindingTests {
    /// The binding lines of `after` that differ from `before`.
    func changedLines(_ before: String?, _ after: String?) -> [String] {
        let old = (before ?? "").split(separator: "\n").map(String.init)
        let new = (after ?? "").split(separator: "\n").map(String.init)
        return zip(old, new).filter { $0.0 != $0.1 }.map(\.1) + new.dropFirst(old.count)
    }

    @Test func aRunningDaemonLeavesCommittedBindingsClean() throws {
        var cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        try cli.git("init", "-q")
        let threads = ["alpha", "beta", "gamma"]
        for thread in threads { try cli.run("send", "--thread", thread, "first").expectSuccess() }
        try cli.git("add", ".agentws")
        try cli.git("commit", "-q", "-m", "threads")
        #expect(try cli.status("alpha") == "live")
        for turn in 0..<9 {
            try cli.run("send", "--thread", threads[turn % 3], "turn \(turn)").expectSuccess()
            #expect(try cli.bindingChanges() == "", "after turn \(turn)")
        }
        try cli.run("stop", "beta").expectSuccess()
        #expect(try cli.bindingChanges() == "")
        let stopped = cli.stopDaemon()
        #expect(stopped?.status == 0)
        #expect(try cli.bindingChanges() == "")
        for thread in threads {
            #expect(
                try cli.run("show", thread).stdout.contains(
                    "last stop    " + (thread == "beta" ? "explicit" : "shutdown")))
            // Nothing of this machine in the file: no path, no pid, no status.
            let text = try #require(cli.binding(thread))
            #expect(!text.contains(cli.root) && !text.contains("\"status\"") && !text.contains("ownerPid"))
        }
    }

    @Test func aCloneWithoutTheConversationFailsWithoutTouchingTheFile() throws {
        let machineA = try CLIHarness()
        defer { machineA.remove() }
        try machineA.git("init", "-q")
        try machineA.run("send", "--thread", "t1", "one").expectSuccess()
        try machineA.run("send", "--thread", "t1", "two").expectSuccess()
        try machineA.git("add", ".agentws")
        try machineA.git("commit", "-q", "-m", "t1")
        let bare = machineA.root + "-bare.git"
        defer { try? FileManager.default.removeItem(atPath: bare) }
        try machineA.git("clone", "-q", "--bare", machineA.root, bare)

        // Another machine: its own HOME and state, a clone of the shared repository.
        let machineB = try CLIHarness(initialise: false)
        defer { machineB.remove() }
        let clone = machineB.root + "/work"
        try machineB.git("clone", "-q", bare, clone)
        let committed = try String(contentsOfFile: clone + "/.agentws/bindings/t1.json", encoding: .utf8)

        let failed = try machineB.run("send", "--thread", "t1", "three", in: clone)
        failed.expectExit(6)
        #expect(failed.stderr.contains("cannot resume thread t1"), "\(failed)")
        #expect(failed.stderr.contains("agentws send --fresh --thread t1"), "\(failed)")
        #expect(
            try String(contentsOfFile: clone + "/.agentws/bindings/t1.json", encoding: .utf8) == committed)
        #expect(try machineB.bindingChanges(in: clone) == "")
        let shown = try machineB.run("show", "t1", in: clone).expectSuccess()
        #expect(shown.stdout.contains("status       error"), "\(shown)")
        #expect(shown.stdout.contains("last error   cannot resume thread t1"), "\(shown)")

        let fresh = try machineB.run("send", "--thread", "t1", "--fresh", "three", in: clone).expectSuccess()
        #expect(fresh.stdout == "echo-1 turn 1 (start 1): three\n")
        let after = try String(contentsOfFile: clone + "/.agentws/bindings/t1.json", encoding: .utf8)
        let changed = changedLines(committed, after)
        #expect(changed.count == 1 && changed.first?.contains("\"conversation\"") == true, "\(changed)")
        #expect(try machineB.run("show", "t1", in: clone).stdout.contains("status       stopped"))
    }

    @Test func underADaemonTheFileIsTheSourceOfTruth() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        try cli.git("init", "-q")
        try cli.git("add", ".agentws")
        try cli.git("commit", "-q", "-m", "empty workspace")
        let empty = try cli.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)

        // Conversation 1, two turns, committed.
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        try cli.run("send", "--thread", "t1", "two").expectSuccess()
        try cli.git("add", ".agentws")
        try cli.git("commit", "-q", "-m", "t1 on conversation 1")
        let first = try cli.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let firstCursor = try cli.bindingFields("t1")["resumeCursor"] as? [String: String]

        // Conversation 2 (after a reset), warm in the daemon.
        try cli.run("reset", "t1").expectSuccess()
        let second = try cli.run("send", "--thread", "t1", "again").expectSuccess()
        #expect(second.stdout == "echo-1 turn 1 (start 1): again\n")
        try cli.git("commit", "-q", "-am", "t1 on conversation 2")
        #expect(
            try cli.run("send", "--thread", "t1", "warm").expectSuccess().stdout.hasPrefix("echo-1 turn 2 "))

        // Checking out the first commit brings back cursor 1: the warm session stops, cursor 1 resumes.
        try cli.git("checkout", "-q", first)
        let resumed = try cli.run("send", "--thread", "t1", "back").expectSuccess()
        #expect(resumed.stdout == "echo-1 turn 3 (start 2): back\n", "\(resumed)")
        #expect(resumed.stderr.contains("binding file changed (resumeCursor)"), "\(resumed)")
        #expect(try cli.bindingFields("t1")["resumeCursor"] as? [String: String] == firstCursor)
        #expect(try cli.run("show", "t1").stdout.contains("live         idle"))

        // A commit without the binding: the warm session never writes it back, a send binds afresh.
        try cli.git("checkout", "-q", empty)
        #expect(!cli.exists(".agentws/bindings/t1.json"))
        let sweep = try cli.run("reap").expectSuccess()
        #expect(sweep.stdout.contains("stopped t1: its binding file changed"), "\(sweep)")
        #expect(!cli.exists(".agentws/bindings/t1.json"))
        let rebound = try cli.run("send", "--thread", "t1", "anew").expectSuccess()
        #expect(rebound.stdout == "echo-1 turn 1 (start 1): anew\n", "\(rebound)")
        #expect(try cli.bindingFields("t1")["resumeCursor"] as? [String: String] != firstCursor)

        // A hand edit of the model: the session restarts with it, same conversation.
        let path = cli.path(".agentws/bindings/t1.json")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"echo-1\"", with: "\"echo-2\"").utf8).write(
            to: URL(fileURLWithPath: path))
        let edited = try cli.run("send", "--thread", "t1", "edited").expectSuccess()
        #expect(edited.stdout == "echo-2 turn 2 (start 2): edited\n", "\(edited)")
        #expect(edited.stderr.contains("binding file changed (model)"), "\(edited)")
    }

    /// A workspace of schema-1 files, as an older agentws left it.
    @Test func schema1FilesKeepWorkingAndMigrateConvertsThemOnce() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        for thread in ["old-live", "old-error", "old-stopped"] {
            try cli.run("send", "--thread", thread, "one").expectSuccess()
        }
        // Rewrite them as schema 1 would have had them (status and lastError in the file).
        let statuses = ["old-live": "active", "old-error": "error", "old-stopped": "stopped"]
        for (thread, status) in statuses {
            let path = cli.path(".agentws/bindings/\(thread).json")
            var fields = try cli.bindingFields(thread)
            fields["schemaVersion"] = 1
            fields["parent"] = nil
            fields["status"] = status
            fields["lastError"] = status == "error" ? "resume failed on the old machine" : NSNull()
            let data = try JSONSerialization.data(
                withJSONObject: fields, options: [.sortedKeys, .prettyPrinted])
            try data.write(to: URL(fileURLWithPath: path))
        }
        // A golden schema-1 file of the core tests, too.
        let golden =
            BuildProducts.repositoryRoot + "/Tests/AgentwsCoreTests/Golden/v1/fresh.json"
        try FileManager.default.copyItem(atPath: golden, toPath: cli.path(".agentws/bindings/fresh.json"))
        let before = Dictionary(
            uniqueKeysWithValues: ["old-live", "old-error", "old-stopped"].map { ($0, cli.binding($0)) })

        let list = try cli.run("list").expectSuccess()
        #expect(list.stdout.contains("owner gone"), "\(list)")
        #expect(list.stdout.contains("old-error    echo      echo-1  error"), "\(list)")
        #expect(try cli.run("show", "old-stopped").stdout.contains("(schema 1: rewritten on its next change"))
        let resumed = try cli.run("send", "--thread", "old-live", "two").expectSuccess()
        #expect(resumed.stdout == "echo-1 turn 2 (start 2): two\n")
        #expect(resumed.stderr.contains("recovered"))
        try cli.run("stop", "old-error").expectSuccess()
        #expect(try cli.status("old-error") == "stopped")
        // Same meaning: none of them was rewritten.
        for (thread, bytes) in before { #expect(cli.binding(thread) == bytes, "\(thread)") }
        // A golden file with no cursor gets one on its first send: its meaning changed, so schema 2.
        try cli.run("send", "--thread", "fresh", "hello").expectSuccess()
        #expect(try cli.bindingFields("fresh")["schemaVersion"] as? Int == 2)

        let migrated = try cli.run("migrate").expectSuccess()
        #expect(migrated.stdout.contains("migrated old-error: schema 1 → 2"), "\(migrated)")
        #expect(migrated.stdout.contains("3 migrated, 1 already schema 2, 0 left alone"), "\(migrated)")
        for thread in ["old-live", "old-error", "old-stopped"] {
            let fields = try cli.bindingFields(thread)
            #expect(
                fields["schemaVersion"] as? Int == 2 && fields["status"] == nil && fields["lastError"] == nil)
        }
        let again = try cli.run("migrate").expectSuccess()
        #expect(again.stdout.contains("0 migrated, 4 already schema 2, 0 left alone"), "\(again)")

        // A corrupt file is reported and left alone.
        try cli.write(".agentws/bindings/broken.json", "{ not json")
        let report = try cli.run("migrate")
        report.expectExit(5)
        #expect(report.stdout.contains("left alone broken:"), "\(report)")
        #expect(cli.read(".agentws/bindings/broken.json") == "{ not json")
    }
}
