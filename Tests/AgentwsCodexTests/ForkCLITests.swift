import AgentwsJSON
import Foundation
import Testing

extension CodexAppServerTests {
    /// `agentws fork` of a codex thread (SPEC §12, issue 14) with the real codex against the
    /// loopback mock: codex's `thread/fork`, then both conversations go on independently, as the
    /// mock's request logs show; the source's binding file is byte-identical throughout.
    @Suite("fork through the CLI")
    struct ForkCLITests {
        @Test func aForkedThreadAndItsSourceGoOnIndependently() throws {
            let codex = try CodexWorkspace()
            defer { codex.close() }
            let first = try codex.run("send", "--thread", "src", "remember the word HERON")
            #expect(first.status == 0 && first.stdout == "mock#1: remember the word HERON\n", "\(first)")
            let before = codex.bindingText("src")
            let source = try codex.cursorThread("src")

            let forked = try codex.run("fork", "src", "--thread", "copy", "--json")
            #expect(forked.status == 0, "\(forked)")
            let result = try JSONParser.parse(forked.stdout)
            #expect(result["method"] == "provider-fork" && result["provider"] == "codex", "\(forked)")
            let copy = try codex.cursorThread("copy")
            #expect(copy != source)
            #expect(try codex.binding("copy")["parent"] == ["thread": "src"])
            #expect(try codex.binding("copy")["model"] == (try codex.binding("src"))["model"])
            #expect(codex.bindingText("src") == before)
            #expect(codex.codexGone(), "the fork left codex running: \(codex.codexProcesses())")

            let onCopy = try codex.run("send", "--thread", "copy", "fork: which word?")
            #expect(onCopy.status == 0 && onCopy.stdout == "mock#2: fork: which word?\n", "\(onCopy)")
            let onSource = try codex.run("send", "--thread", "src", "source: which word?")
            #expect(onSource.status == 0 && onSource.stdout == "mock#2: source: which word?\n", "\(onSource)")
            let again = try codex.run("send", "--thread", "copy", "fork: again")
            #expect(again.status == 0 && again.stdout == "mock#3: fork: again\n", "\(again)")

            // What the model was sent: each conversation its own history after the common start.
            let requests = try codex.mock.requests()
            try #require(requests.count == 4, "\(requests.count) model requests")
            let forkTurn = ResponsesMock.texts(requests[1], role: "user")
            #expect(forkTurn.contains("remember the word HERON") && forkTurn.last == "fork: which word?")
            #expect(requests[1]["headers"]?["thread-id"]?.stringValue == copy)
            let sourceTurn = ResponsesMock.texts(requests[2], role: "user")
            #expect(
                sourceTurn.contains("remember the word HERON") && sourceTurn.last == "source: which word?")
            #expect(!sourceTurn.contains("fork: which word?"), "\(sourceTurn)")
            #expect(requests[2]["headers"]?["thread-id"]?.stringValue == source)
            let forkAgain = ResponsesMock.texts(requests[3], role: "user")
            #expect(forkAgain.contains("fork: which word?") && !forkAgain.contains("source: which word?"))
            #expect(codex.bindingText("src") == before)
            #expect(try codex.cursorThread("copy") == copy)
            #expect(codex.codexGone())
        }
    }
}
