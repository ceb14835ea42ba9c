import AgentwsTestSupport
import Foundation
import Testing

/// SPEC §11 with the real CLI and the real echo plugin: transcripts captured at stop, restored on a
/// clone (mode commit) or after the provider lost its copy (mode local), handed off with export and
/// import, and refused when they do not match.
@Suite("Transcripts (CLI)")
struct TranscriptCommandTests {
    static let echoConversations = ".agentws/state/providers/echo/conversations"

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func transcript(_ cli: CLIHarness, _ thread: String, in directory: String? = nil) throws -> [String: Any]
    {
        let shown = try cli.run("show", "--json", thread, in: directory).expectSuccess()
        return try #require(try json(shown.stdout)["transcript"] as? [String: Any])
    }

    /// An ACP client of `cli`'s daemon resumes `thread` and prompts `text`: the answer's
    /// `_meta.agentws.start` and the text of the updates streamed before it.
    func resumeAndPrompt(_ cli: CLIHarness, _ thread: String, _ text: String) throws -> (
        start: String?, replies: String
    ) {
        let client = try SocketClient(path: cli.socketPath)
        defer { client.close() }
        try client.send(json: [
            "jsonrpc": "2.0", "id": 1, "method": "session/resume",
            "params": ["sessionId": thread, "cwd": cli.root, "mcpServers": [Any]()],
        ])
        #expect(try client.response(to: 1).response["result"] != nil)
        try client.send(json: [
            "jsonrpc": "2.0", "id": 2, "method": "session/prompt",
            "params": ["sessionId": thread, "prompt": [["type": "text", "text": text]]],
        ])
        let (answer, updates) = try client.response(to: 2)
        let result = try #require(answer["result"] as? [String: Any], "\(answer)")
        let meta = (result["_meta"] as? [String: Any])?["agentws"] as? [String: Any]
        let replies = updates.compactMap { update -> String? in
            let params = update["params"] as? [String: Any]
            let content = (params?["update"] as? [String: Any])?["content"] as? [String: Any]
            return content?["text"] as? String
        }
        return (meta?["start"] as? String, replies.joined())
    }

    /// Machine A: a git repository with two turns on t1, committed and pushed to a bare repository;
    /// machine B: its own HOME and state, a clone of it.
    func twoMachines(mode: String, beforeCommit: (CLIHarness) throws -> Void = { _ in }) throws -> (
        a: CLIHarness, b: CLIHarness, clone: String, bare: String
    ) {
        let a = try CLIHarness(config: "transcripts:\n  mode: \(mode)\n")
        try a.git("init", "-q")
        try a.run("send", "--thread", "t1", "one").expectSuccess()
        try a.run("send", "--thread", "t1", "two").expectSuccess()
        try beforeCommit(a)
        try a.git("add", ".agentws")
        try a.git("commit", "-q", "-m", "t1")
        let bare = a.root + "-bare.git"
        try a.git("clone", "-q", "--bare", a.root, bare)
        let b = try CLIHarness(initialise: false)
        let clone = b.root + "/work"
        try b.git("clone", "-q", bare, clone)
        return (a, b, clone, bare)
    }

    @Test func inModeCommitACloneContinuesTheConversation() throws {
        let (a, b, clone, bare) = try twoMachines(mode: "commit")
        defer {
            a.remove()
            b.remove()
            try? FileManager.default.removeItem(atPath: bare)
        }
        #expect(a.read(".agentws/.gitignore")?.contains("\n/transcripts/\n") == false)
        let tracked = try a.git("ls-files", ".agentws/transcripts")
        #expect(tracked.contains("t1/manifest.json") && tracked.contains("t1/transcript-"), "\(tracked)")
        #expect(try transcript(a, "t1")["trackedByGit"] as? Bool == true)
        let committed = try String(contentsOfFile: clone + "/.agentws/bindings/t1.json", encoding: .utf8)

        let restored = try b.run("send", "--json", "--thread", "t1", "three", in: clone).expectSuccess()
        #expect(restored.stdout.contains(#""start":"restored""#), "\(restored)")
        #expect(restored.stdout.contains("resumed from the workspace transcript (captured "), "\(restored)")
        let next = try b.run("send", "--thread", "t1", "four", in: clone).expectSuccess()
        #expect(next.stdout.hasPrefix("echo-1 turn 4"), "\(next)")
        // The same conversation under the same cursor: the binding file did not change.
        #expect(
            try String(contentsOfFile: clone + "/.agentws/bindings/t1.json", encoding: .utf8) == committed)
        #expect(try b.bindingChanges(in: clone) == "")

        // Text mode prints the notice on stderr.
        try FileManager.default.removeItem(atPath: clone + "/" + Self.echoConversations)
        let again = try b.run("send", "--thread", "t1", "five", in: clone).expectSuccess()
        #expect(again.stderr.contains("resumed from the workspace transcript (captured "), "\(again)")
        #expect(again.stdout.hasPrefix("echo-1 turn 5"), "\(again)")
    }

    /// The held transcript of `thread` (the file its manifest names), parsed.
    func heldEcho(_ thread: String, root: String) throws -> [String: Any] {
        let directory = root + "/.agentws/transcripts/" + thread
        let manifest = try json(try String(contentsOfFile: directory + "/manifest.json", encoding: .utf8))
        let file = try #require(manifest["file"] as? String)
        return try json(try String(contentsOfFile: directory + "/" + file, encoding: .utf8))
    }

    /// A → B → A: A's echo still has its own copy of the conversation (at turn 2) when B's turn 3
    /// arrives by git; A's send replaces its copy with B's transcript and goes on from there.
    @Test func aThreadHandedBackContinuesTheLatestConversation() throws {
        let (a, b, clone, bare) = try twoMachines(mode: "commit")
        defer {
            a.remove()
            b.remove()
            try? FileManager.default.removeItem(atPath: bare)
        }
        let committed = try String(contentsOfFile: a.root + "/.agentws/bindings/t1.json", encoding: .utf8)
        let onB = try b.run("send", "--thread", "t1", "three", in: clone).expectSuccess()
        #expect(onB.stdout.hasPrefix("echo-1 turn 3"), "\(onB)")
        try b.git("add", ".agentws", in: clone)
        try b.git("commit", "-q", "-m", "t1 on B", in: clone)
        try b.git("push", "-q", "origin", "HEAD", in: clone)
        let fromB = try heldEcho("t1", root: clone)

        try a.git("pull", "-q", "--no-rebase", bare, "HEAD")
        #expect(try heldEcho("t1", root: a.root)["turns"] as? Int == 3)
        #expect(try transcript(a, "t1")["newerThanThisMachine"] as? Bool == true)
        let back = try a.run("send", "--thread", "t1", "four").expectSuccess()
        #expect(back.stdout.hasPrefix("echo-1 turn 4"), "\(back)")
        #expect(
            back.stderr.contains(
                "resumed from the workspace transcript (captured "), "\(back)")
        #expect(back.stderr.contains("), newer than this machine's copy"), "\(back)")
        #expect(!back.stderr.contains("split"), "\(back)")
        #expect(
            try String(contentsOfFile: a.root + "/.agentws/bindings/t1.json", encoding: .utf8) == committed)
        #expect(try a.bindingChanges() == "")
        // A's capture is B's conversation plus A's turn.
        let captured = try heldEcho("t1", root: a.root)
        #expect(captured["turns"] as? Int == 4)
        let bEntries = try #require(fromB["transcript"] as? [[String: String]])
        let aEntries = try #require(captured["transcript"] as? [[String: String]])
        #expect(Array(aEntries.prefix(bEntries.count)) == bEntries)
        #expect(
            Array(aEntries.dropFirst(bEntries.count)).map { $0["text"] ?? "" }.first == "four",
            "\(aEntries)")
        #expect(try transcript(a, "t1")["newerThanThisMachine"] as? Bool == false)

        // A further send is a plain resume.
        let plain = try a.run("send", "--json", "--thread", "t1", "five").expectSuccess()
        #expect(plain.stdout.contains(#""start":"resumed""#), "\(plain)")
        #expect(plain.stdout.contains(#"{"text":"5 ","type":"text"}"#), "\(plain)")

        // And back to B, whose echo copy is at turn 3: `--json` says restored.
        try a.git("add", ".agentws")
        try a.git("commit", "-q", "-m", "t1 on A")
        try a.git("push", "-q", bare, "HEAD")
        try b.git("pull", "-q", "--no-rebase", in: clone)
        let again = try b.run("send", "--json", "--thread", "t1", "six", in: clone).expectSuccess()
        #expect(again.stdout.contains(#""start":"restored""#), "\(again)")
        #expect(again.stdout.contains("newer than this machine's copy"), "\(again)")
        #expect(again.stdout.contains(#"{"text":"6 ","type":"text"}"#), "\(again)")
    }

    /// A fork committed before anyone sent to it: its conversation was captured by the fork, so the
    /// clone continues the fork (with the history it was forked with) as well as the original.
    @Test func aForkCommittedBeforeItsFirstSendContinuesOnAClone() throws {
        let (a, b, clone, bare) = try twoMachines(mode: "commit") { a in
            try a.run("fork", "t1", "--thread", "t1b").expectSuccess()
        }
        defer {
            a.remove()
            b.remove()
            try? FileManager.default.removeItem(atPath: bare)
        }
        #expect(try transcript(a, "t1b")["held"] as? Bool == true)
        let forked = try b.run("send", "--thread", "t1b", "three", in: clone).expectSuccess()
        #expect(forked.stdout.hasPrefix("echo-1 turn 3"), "\(forked)")
        #expect(forked.stderr.contains("resumed from the workspace transcript (captured "), "\(forked)")
        let original = try b.run("send", "--thread", "t1", "three", in: clone).expectSuccess()
        #expect(original.stdout.hasPrefix("echo-1 turn 3"), "\(original)")
    }

    /// Each capture writes a new hash-named file, which `git commit -a` would leave out: doctor says so.
    @Test func doctorWarnsWhenATrackedThreadsNewTranscriptFileIsNotTracked() throws {
        let a = try CLIHarness(config: "transcripts:\n  mode: commit\n")
        defer { a.remove() }
        try a.git("init", "-q")
        try a.run("send", "--thread", "t1", "one").expectSuccess()
        try a.git("add", ".agentws")
        let warning = "thread t1: its binding is tracked by git but its transcript file is not"
        let clean = try a.run("doctor").expectSuccess()
        #expect(!clean.stdout.contains(warning), "\(clean)")
        try a.run("send", "--thread", "t1", "two").expectSuccess()
        let untracked = try a.run("doctor").expectSuccess()
        #expect(untracked.stdout.contains("  ⚠ " + warning), "\(untracked)")
        #expect(untracked.stdout.contains("run 'git add .agentws/transcripts'"), "\(untracked)")
        try a.git("add", ".agentws")
        let added = try a.run("doctor").expectSuccess()
        #expect(!added.stdout.contains(warning), "\(added)")
    }

    /// Both machines continued the same conversation and committed their captures: the binding
    /// merges (same cursor), the transcript directory conflicts. `resolve` keeps one side's manifest
    /// and file; --both is refused, since their side has no conversation of its own to fork.
    @Test func aTranscriptConflictIsResolvedWithOursOrTheirs() throws {
        let (a, b, clone, bare) = try twoMachines(mode: "commit")
        defer {
            a.remove()
            b.remove()
            try? FileManager.default.removeItem(atPath: bare)
        }
        try b.run("send", "--thread", "t1", "b three", in: clone).expectSuccess()
        try b.git("add", ".agentws", in: clone)
        try b.git("commit", "-q", "-m", "b", in: clone)
        try b.git("push", "-q", "origin", "HEAD", in: clone)
        let theirs = try transcript(b, "t1", in: clone)
        try a.run("send", "--thread", "t1", "a three").expectSuccess()
        try a.git("add", ".agentws")
        try a.git("commit", "-q", "-m", "a")
        let ours = try transcript(a, "t1")
        #expect(ours["sha256"] as? String != theirs["sha256"] as? String)

        for side in ["ours", "theirs"] {
            let pulled = try a.gitStatus("pull", "-q", "--no-rebase", bare, "HEAD")
            #expect(pulled.status != 0, "the pull merges cleanly: \(pulled)")
            #expect(try a.git("status", "--porcelain").contains("UU .agentws/transcripts/t1/manifest.json"))
            let conflicted = try transcript(a, "t1")["problem"] as? String ?? ""
            // The line is the first conflict marker's: 2 when the two captures differ in their
            // capture time, later when both happened within the same second (same capturedAt).
            let marker = try #require(conflicted.range(of: "manifest.json:"), "\(conflicted)")
            let rest = conflicted[marker.upperBound...].drop(while: \.isNumber)
            #expect(
                rest.hasPrefix(
                    ": merge conflict: both branches captured a continuation of thread t1; end it with 'agentws resolve t1 --ours|--theirs'"
                ), "\(conflicted)")
            if side == "ours" {
                let both = try a.run("resolve", "t1", "--both")
                both.expectExit(4)
                #expect(
                    both.stderr.contains("both branches continued the same conversation of thread t1"),
                    "\(both)")
            }
            let resolved = try a.run("resolve", "t1", "--\(side)").expectSuccess()
            #expect(resolved.stdout.contains("resolved t1: kept \(side)"), "\(resolved)")
            #expect(resolved.stdout.contains("git add -A .agentws/transcripts/t1"), "\(resolved)")
            try a.git("add", "-A", ".agentws/transcripts/t1")
            let kept = try transcript(a, "t1")
            let expected = side == "ours" ? ours : theirs
            #expect(kept["sha256"] as? String == expected["sha256"] as? String, "\(side): \(kept)")
            #expect(kept["problem"] is NSNull, "\(side): \(kept)")
            let files = try FileManager.default.contentsOfDirectory(atPath: a.path(".agentws/transcripts/t1"))
            #expect(files.count == 2, "the manifest and one transcript: \(files)")
            #expect(try a.git("diff", "--name-only", "--diff-filter=U") == "")
            if side == "ours" { try a.git("merge", "--abort") }
        }
        // Their transcript is newer than this machine's copy: the next send adopts it and goes on
        // from their third turn.
        let next = try a.run("send", "--thread", "t1", "a four").expectSuccess()
        #expect(next.stdout.hasPrefix("echo-1 turn 4"), "\(next)")
        #expect(next.stderr.contains("newer than this machine's copy"), "\(next)")
    }

    /// Both machines started over (reset) and committed: cursors and transcripts conflict. --both
    /// keeps ours and makes theirs a fork that takes their transcript with it, so this machine can
    /// continue their conversation too (restored from that transcript).
    @Test func resolveBothMovesTheirTranscriptToTheFork() throws {
        let (a, b, clone, bare) = try twoMachines(mode: "commit")
        defer {
            a.remove()
            b.remove()
            try? FileManager.default.removeItem(atPath: bare)
        }
        try b.run("reset", "t1", in: clone).expectSuccess()
        try b.run("send", "--thread", "t1", "b one", in: clone).expectSuccess()
        try b.run("send", "--thread", "t1", "b two", in: clone).expectSuccess()
        try b.git("add", "-A", ".agentws", in: clone)
        try b.git("commit", "-q", "-m", "b", in: clone)
        try b.git("push", "-q", "origin", "HEAD", in: clone)
        let theirs = try transcript(b, "t1", in: clone)
        try a.run("reset", "t1").expectSuccess()
        try a.run("send", "--thread", "t1", "a one").expectSuccess()
        try a.git("add", "-A", ".agentws")
        try a.git("commit", "-q", "-m", "a")
        let ours = try transcript(a, "t1")

        #expect(try a.gitStatus("pull", "-q", "--no-rebase", bare, "HEAD").status != 0)
        let resolved = try a.run("resolve", "t1", "--both").expectSuccess()
        #expect(
            resolved.stdout.contains("resolved t1: kept ours, and theirs as fork t1-theirs"), "\(resolved)")
        #expect(
            resolved.stdout.contains(
                "git add -A .agentws/bindings/t1.json .agentws/transcripts/t1 .agentws/transcripts/t1-theirs .agentws/bindings/t1-theirs.json"
            ), "\(resolved)")
        try a.git("add", "-A", ".agentws")
        #expect(try a.git("diff", "--name-only", "--diff-filter=U") == "")
        #expect(try transcript(a, "t1")["sha256"] as? String == ours["sha256"] as? String)
        let fork = try transcript(a, "t1-theirs")
        #expect(fork["sha256"] as? String == theirs["sha256"] as? String, "\(fork)")
        #expect(fork["cursorMatches"] as? Bool == true, "\(fork)")
        // This machine never had their conversation: the fork restores it from the transcript.
        let continued = try a.run("send", "--thread", "t1-theirs", "b three").expectSuccess()
        #expect(continued.stdout.hasPrefix("echo-1 turn 3"), "\(continued)")
        #expect(continued.stderr.contains("resumed from the workspace transcript"), "\(continued)")
        #expect(
            try a.run("send", "--thread", "t1", "a two").expectSuccess().stdout.hasPrefix("echo-1 turn 2"))
    }

    @Test func inModeLocalACloneFailsAndTheMachineItselfRestores() throws {
        let (a, b, clone, bare) = try twoMachines(mode: "local")
        defer {
            a.remove()
            b.remove()
            try? FileManager.default.removeItem(atPath: bare)
        }
        #expect(try a.git("ls-files", ".agentws/transcripts") == "")
        #expect(try a.git("status", "--porcelain") == "")
        #expect(try transcript(a, "t1")["held"] as? Bool == true)
        #expect(try transcript(a, "t1")["trackedByGit"] as? Bool == false)

        let failed = try b.run("send", "--thread", "t1", "three", in: clone)
        failed.expectExit(6)
        #expect(failed.stderr.contains("the workspace holds no transcript of thread t1"), "\(failed)")
        #expect(try b.bindingChanges(in: clone) == "")

        // A loses its provider's copy: the workspace transcript brings the conversation back.
        try FileManager.default.removeItem(atPath: a.path(Self.echoConversations))
        let restored = try a.run("send", "--thread", "t1", "three").expectSuccess()
        #expect(restored.stderr.contains("resumed from the workspace transcript"), "\(restored)")
        #expect(restored.stdout.hasPrefix("echo-1 turn 3"), "\(restored)")
        #expect(try a.bindingChanges() == "")
    }

    /// Through the daemon: the stop captures in the daemon, and an ACP client's prompt on a thread
    /// whose conversation the provider lost is answered with `_meta.agentws.start: "restored"`.
    /// Over the daemon, a newer transcript of the same conversation (another machine's, here handed
    /// over by export/import and copied back as a pull would) is adopted at the next prompt.
    @Test func overTheDaemonAnAdoptionSaysRestoredInTheACPAnswer() throws {
        let a = try CLIHarness(mode: .daemon)
        let b = try CLIHarness()
        defer {
            a.remove()
            b.remove()
        }
        try a.run("send", "--thread", "t1", "one").expectSuccess()
        try a.run("stop", "t1").expectSuccess()
        let file = a.root + "/t1.agentws-thread"
        try a.run("export", "t1", "-o", file).expectSuccess()
        try b.run("import", file).expectSuccess()
        try b.run("send", "--thread", "t1", "two").expectSuccess()
        let held = "/.agentws/transcripts/t1"
        try FileManager.default.removeItem(atPath: a.root + held)
        try FileManager.default.copyItem(atPath: b.root + held, toPath: a.root + held)

        let (start, replies) = try resumeAndPrompt(a, "t1", "three")
        #expect(start == "restored", "\(replies)")
        #expect(replies.contains("newer than this machine's copy"), "\(replies)")
        #expect(replies.contains("echo-1 turn 3"), "\(replies)")
    }

    @Test func overTheDaemonARestoreSaysSoInTheACPAnswer() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        try cli.run("stop", "t1").expectSuccess()
        #expect(try transcript(cli, "t1")["held"] as? Bool == true)
        try FileManager.default.removeItem(atPath: cli.path(Self.echoConversations))

        let (start, replies) = try resumeAndPrompt(cli, "t1", "two")
        #expect(start == "restored", "\(replies)")
        // The notice reaches the client as agentws's own message, then the reply of turn 2 follows.
        #expect(replies.contains("resumed from the workspace transcript (captured "), "\(replies)")
        #expect(replies.contains("echo-1 turn 2"), "\(replies)")
    }

    @Test func exportAndImportHandAThreadToAnUnrelatedWorkspace() throws {
        let a = try CLIHarness()
        let c = try CLIHarness()
        defer {
            a.remove()
            c.remove()
        }
        try a.run("send", "--thread", "t1", "one").expectSuccess()
        try a.run("send", "--thread", "t1", "two").expectSuccess()
        let file = a.root + "/t1.export"
        let exported = try a.run("export", "t1", "-o", file).expectSuccess()
        #expect(exported.stdout.contains("exported thread t1 to \(file)"), "\(exported)")
        let bytes = try #require(FileManager.default.contents(atPath: file))
        #expect(String(decoding: bytes.prefix(24), as: UTF8.self) == "agentws-thread-export 1\n")

        let imported = try c.run("import", file).expectSuccess()
        #expect(imported.stdout.contains("imported thread t1 (echo/echo-1)"), "\(imported)")
        #expect(try transcript(c, "t1")["held"] as? Bool == true)
        let next = try c.run("send", "--thread", "t1", "three").expectSuccess()
        #expect(next.stdout.hasPrefix("echo-1 turn 3"), "\(next)")
        // Imported twice, under another id: the provider's copy is never overwritten.
        try c.run("import", file, "--thread", "t2").expectSuccess()
        #expect(try c.run("send", "--thread", "t2", "x").expectSuccess().stdout.hasPrefix("echo-1 turn 3"))
        #expect(try c.run("send", "--thread", "t1", "y").expectSuccess().stdout.hasPrefix("echo-1 turn 4"))
        // The same id again is refused.
        let twice = try c.run("import", file)
        twice.expectExit(4)
        #expect(twice.stderr.contains("thread t1 exists already"), "\(twice)")
    }

    @Test func anImportWhoseWorkingDirectoryIsMissingHereIsRefusedUnlessGivenOne() throws {
        let a = try CLIHarness()
        let c = try CLIHarness()
        defer {
            a.remove()
            c.remove()
        }
        try FileManager.default.createDirectory(atPath: a.path("pkg/sub"), withIntermediateDirectories: true)
        try a.run("send", "--thread", "t1", "one", in: a.path("pkg/sub")).expectSuccess()
        let file = a.root + "/t1.export"
        try a.run("export", "t1", "-o", file).expectSuccess()

        let missing = try c.run("import", file)
        missing.expectExit(3)
        #expect(missing.stderr.contains("thread t1 works in 'pkg/sub'"), "\(missing)")
        #expect(missing.stderr.contains("import with --cwd DIR; nothing was imported"), "\(missing)")
        let outside = try c.run("import", file, "--cwd", a.root)
        outside.expectExit(64)
        #expect(outside.stderr.contains("is outside the workspace"), "\(outside)")
        let absent = try c.run("import", file, "--cwd", "no/such/dir")
        absent.expectExit(3)
        #expect(absent.stderr.contains("--cwd no/such/dir: no such directory"), "\(absent)")
        #expect(!c.exists(".agentws/bindings/t1.json"))
        #expect(!c.exists(".agentws/transcripts/t1"))

        // Given one (relative to the current directory, as a shell user types it): bound there.
        try FileManager.default.createDirectory(atPath: c.path("other"), withIntermediateDirectories: true)
        try c.run("import", file, "--cwd", "other").expectSuccess()
        let shown = try json(try c.run("show", "--json", "t1").expectSuccess().stdout)
        #expect((shown["binding"] as? [String: Any])?["cwd"] as? String == "other", "\(shown)")
        #expect(try c.run("send", "--thread", "t1", "two").expectSuccess().stdout.hasPrefix("echo-1 turn 2"))
        // Once the exported directory exists here, the default works.
        try FileManager.default.createDirectory(atPath: c.path("pkg/sub"), withIntermediateDirectories: true)
        try c.run("import", file, "--thread", "t3").expectSuccess()
        let third = try json(try c.run("show", "--json", "t3").expectSuccess().stdout)
        #expect((third["binding"] as? [String: Any])?["cwd"] as? String == "pkg/sub", "\(third)")
    }

    @Test func truncatedTamperedAndForeignFilesAreRefusedLeavingNothing() throws {
        let a = try CLIHarness()
        let c = try CLIHarness()
        defer {
            a.remove()
            c.remove()
        }
        try a.run("send", "--thread", "t1", "one").expectSuccess()
        let file = a.root + "/t1.export"
        try a.run("export", "t1", "-o", file).expectSuccess()
        let bytes = try #require(FileManager.default.contents(atPath: file))
        var tampered = bytes
        tampered[tampered.count - 5] ^= 0x01
        let cases: [(String, Data, String)] = [
            ("truncated", bytes.prefix(bytes.count - 10), "it is truncated"),
            ("tampered", tampered, "it was changed after the export"),
            ("foreign", Data("{\"threadId\": \"t1\"}\n".utf8), "it is not an agentws thread export"),
            ("newer", Data("agentws-thread-export 2\n{}\n".utf8), "version 2"),
            ("trailing", bytes + Data("x".utf8), "1 bytes more than"),
        ]
        for (name, content, reason) in cases {
            let path = c.root + "/\(name).export"
            try content.write(to: URL(fileURLWithPath: path))
            let refused = try c.run("import", path)
            refused.expectExit(5)
            #expect(refused.stderr.contains(reason), "\(name): \(refused)")
            #expect(refused.stderr.contains("nothing was imported"), "\(name): \(refused)")
            #expect(!c.exists(".agentws/bindings/t1.json"), "\(name)")
            #expect(!c.exists(".agentws/transcripts/t1"), "\(name)")
        }
        let conversations =
            (try? FileManager.default.contentsOfDirectory(atPath: c.path(Self.echoConversations)))
        #expect(conversations ?? [] == [])
    }

    @Test func aTranscriptOfAnotherCursorOrWithABadHashIsNeverUsed() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let manifestPath = ".agentws/transcripts/t1/manifest.json"
        let manifest = try #require(cli.read(manifestPath))
        let conversation = try #require(
            (try cli.bindingFields("t1")["resumeCursor"] as? [String: String])?["conversation"])
        try FileManager.default.removeItem(atPath: cli.path(Self.echoConversations))

        try cli.write(manifestPath, manifest.replacingOccurrences(of: conversation, with: "0123456789abcdef"))
        let otherCursor = try cli.run("send", "--thread", "t1", "two")
        otherCursor.expectExit(6)
        #expect(otherCursor.stderr.contains("cannot resume thread t1"), "\(otherCursor)")
        #expect(
            otherCursor.stderr.contains(
                #"the workspace transcript belongs to cursor {"conversation":"0123456789abcdef"}, not to this one"#
            ),
            "\(otherCursor)")

        try cli.write(manifestPath, manifest)
        let file = try #require(
            try FileManager.default.contentsOfDirectory(atPath: cli.path(".agentws/transcripts/t1")).first {
                $0.hasPrefix("transcript-")
            })
        let original = try #require(cli.read(".agentws/transcripts/t1/" + file))
        try cli.write(
            ".agentws/transcripts/t1/" + file, original.replacingOccurrences(of: "one", with: "uno"))
        let badHash = try cli.run("send", "--thread", "t1", "two")
        badHash.expectExit(6)
        #expect(badHash.stderr.contains("SHA-256"), "\(badHash)")
        let doctor = try cli.run("doctor")
        doctor.expectExit(5)
        #expect(
            doctor.stdout.contains("thread t1: transcript") && doctor.stdout.contains("SHA-256"), "\(doctor)")
        #expect(!cli.exists(Self.echoConversations + "/\(conversation).json"))
    }

    @Test func overMaxSizeWarnsAndWritesNothing() throws {
        let cli = try CLIHarness(config: "transcripts:\n  max_size: 100\n")
        defer { cli.remove() }
        let sent = try cli.run("send", "--thread", "t1", "a message long enough to pass one hundred bytes")
            .expectSuccess()
        #expect(sent.stderr.contains("transcript not captured"), "\(sent)")
        #expect(sent.stderr.contains("over transcripts.max_size (100B)"), "\(sent)")
        #expect(!cli.exists(".agentws/transcripts/t1"))
        #expect((try transcript(cli, "t1")["note"] as? String)?.contains("max_size") == true)
    }

    @Test func aProviderThatCannotExportCapturesNothingAndShowSaysSo() throws {
        let cli = try CLIHarness(config: "providers:\n  cecho:\n    plugin: c-echo\n")
        defer { cli.remove() }
        let sent = try cli.run("send", "--thread", "t1", "--provider", "cecho", "one").expectSuccess()
        #expect(!sent.stderr.contains("transcript"), "\(sent)")
        #expect(!cli.exists(".agentws/transcripts/t1"))
        let shown = try cli.run("show", "t1").expectSuccess()
        #expect(
            shown.stdout.contains("transcript   none held (provider 'cecho' cannot export transcripts"),
            "\(shown)")
        let doctor = try cli.run("doctor").expectSuccess()
        #expect(
            doctor.stdout.contains("thread t1: no transcript (provider 'cecho' cannot export"), "\(doctor)")
    }

    @Test func switchingToModeCommitStopsIgnoringTranscripts() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        #expect(cli.read(".agentws/.gitignore")?.contains("\n/transcripts/\n") == true)
        try cli.write(".agentws/config.yaml", "transcripts:\n  mode: commit\n")
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let ignore = try #require(cli.read(".agentws/.gitignore"))
        #expect(!ignore.contains("\n/transcripts/\n") && ignore.contains("/transcripts/*/.*.tmp-*"))
        try cli.write(".agentws/config.yaml", "transcripts:\n  mode: local\n")
        try cli.run("send", "--thread", "t1", "two").expectSuccess()
        #expect(cli.read(".agentws/.gitignore")?.contains("\n/transcripts/\n") == true)
    }

    /// The held transcript of `thread` as the directory has it after a kill: the file its manifest
    /// names, and every other name in the directory (temporary files of an interrupted write, a new
    /// transcript the manifest does not name yet, an old one not yet removed).
    func heldFiles(_ cli: CLIHarness, _ thread: String) throws -> (
        named: String, bytes: Data, others: [String]
    ) {
        let directory = cli.path(".agentws/transcripts/\(thread)")
        let manifest = try json(try #require(cli.read(".agentws/transcripts/\(thread)/manifest.json")))
        let named = try #require(manifest["file"] as? String)
        let bytes = try #require(FileManager.default.contents(atPath: directory + "/" + named))
        let others = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0 != "manifest.json" && $0 != named }
        return (named, bytes, others)
    }

    /// Rewrites echo's conversation file of `conversation` with 20 messages of `size` bytes in all,
    /// marked with `round` so that every round's transcript differs: echo resumes it, appends the
    /// turn (dropping the two oldest messages) and the capture at the end of the send exports it.
    func growConversation(_ cli: CLIHarness, _ conversation: String, to size: Int, round: Int) throws {
        let relative = Self.echoConversations + "/\(conversation).json"
        var file = try json(try #require(cli.read(relative)))
        let text = String(repeating: "\(round % 10)", count: size / 20)
        file["transcript"] = (0..<20).map { index in
            ["role": index % 2 == 0 ? "user" : "echo", "text": text] as [String: Any]
        }
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: cli.path(relative)))
    }

    /// SIGKILL inside the capture's write. A 4 MiB conversation makes the capture at the end of a
    /// send take a while (export, hash, temporary file, fsync, rename, manifest, removal of the old
    /// file); each round kills the send at another point after its reply is out — half of the rounds
    /// at delays spread over the whole time a send takes from its reply to its exit (measured once,
    /// unkilled), half as soon as the capture's temporary file shows in the transcript directory plus
    /// a varying wait. After every kill the thread has the old transcript with its manifest or the new
    /// pair, whole (size and SHA-256, checked by `show`), never a torn or mismatched one. Kills that
    /// landed inside the write are recognised by what they leave: a temporary file, a new transcript
    /// the manifest does not name yet, or an old one not yet removed. Some must have (else the test
    /// proves nothing); the next send cleans up what they left.
    @Test func sigkillInsideTheCaptureWriteNeverLeavesATornTranscript() throws {
        let cli = try CLIHarness(config: "transcripts:\n  max_size: 256MiB\n")
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "seed").expectSuccess()
        let binding = try json(try #require(cli.binding("t1")))
        let conversation = try #require(
            (binding["resumeCursor"] as? [String: Any])?["conversation"] as? String)
        let size = 4 << 20
        let transcriptDirectory = cli.path(".agentws/transcripts/t1")

        // One unkilled send: how long from its reply to its exit (only to spread the kills over it).
        try growConversation(cli, conversation, to: size, round: 0)
        let calibration = try cli.start(["send", "--thread", "t1", "calibrate"])
        try calibration.waitFor("echo-1 turn", limit: .seconds(120))
        let replied = ContinuousClock.now
        let outcome = calibration.finish()
        #expect(outcome.status == 0, "\(outcome)")
        let span = ContinuousClock.now - replied
        var previous = try heldFiles(cli, "t1").bytes
        #expect(previous.count > size / 2)

        let rounds = 16
        var landedInside = 0
        for round in 0..<rounds {
            try growConversation(cli, conversation, to: size, round: round + 1)
            let leftovers = Set(
                (try? FileManager.default.contentsOfDirectory(atPath: transcriptDirectory)) ?? [])
            let running = try cli.start(["send", "--thread", "t1", "round \(round)"])
            try running.waitFor("echo-1 turn", limit: .seconds(120))
            if round % 2 == 0 {
                let (seconds, attoseconds) = (span * (Double(round) / Double(rounds))).components
                Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
            } else {
                // Until this capture's writer has a temporary file in the directory (or the send ends).
                while running.isRunning,
                    !((try? FileManager.default.contentsOfDirectory(atPath: transcriptDirectory)) ?? [])
                        .contains(where: { $0.contains(".tmp-") && !leftovers.contains($0) })
                {
                    usleep(200)
                }
                usleep(useconds_t((round / 2) * 3_000))
            }
            running.signal(SIGKILL)
            _ = running.finish()

            let held = try heldFiles(cli, "t1")
            let exported = try #require(
                FileManager.default.contents(
                    atPath: cli.path(Self.echoConversations + "/\(conversation).json")))
            let shown = try transcript(cli, "t1")
            #expect(shown["held"] as? Bool == true, "round \(round)")
            #expect(shown["problem"] is NSNull, "round \(round): \(shown)")
            #expect(shown["cursorMatches"] as? Bool == true, "round \(round): \(shown)")
            // The old pair or the new one: the manifest names the previous transcript or this
            // round's export, byte for byte.
            let isOld = held.bytes == previous
            let isNew = held.bytes == exported
            #expect(isOld || isNew, "round \(round): the manifest names \(held.named), neither old nor new")
            if held.others.contains(where: { $0.contains(".tmp-") || $0.hasPrefix("transcript-") }) {
                landedInside += 1
            }
            previous = held.bytes
        }
        #expect(landedInside > 0, "no kill of \(rounds) landed inside the capture's write")
        let doctor = try cli.run("doctor").expectSuccess()
        #expect(doctor.stdout.contains("1 transcript match their manifests"), "\(doctor)")
        // The next capture removes what the killed ones left behind (a superseded file, temporaries).
        try cli.run("send", "--thread", "t1", "last").expectSuccess()
        let after = try heldFiles(cli, "t1")
        #expect(after.others.isEmpty, "\(after.others)")
        #expect(try transcript(cli, "t1")["problem"] is NSNull)
    }
}
