import Testing
import Yams

@testable import AgentwsConfig

/// Files of comments are recognised without Yams; everything else must compose exactly as Yams
/// composes it.
@Suite("YAML documents")
struct YAMLDocumentTests {
    @Test(arguments: [
        "", "\n", "# one comment", "# a\n\n   # indented\n#\n", "#no space\n# tab\tinside a comment\n",
        // Like the file `agentws init` writes.
        "# agentws workspace configuration. Every key is optional; the built-in defaults apply.\n#\n"
            + "# reaper:\n#   idle_timeout: 30m\n#   sweep_interval: 1m\n# models:\n#   default: echo/echo-1\n\n",
    ])
    func commentsOnlyComposeToNothingWithoutYams(text: String) throws {
        #expect(YAMLDocument.holdsOnlyComments(text))
        #expect(try YAMLDocument.compose(text) == nil)
        #expect(try Yams.compose(yaml: text) == nil)
    }

    @Test(arguments: [
        "# comment\nreaper:\n  idle_timeout: 5m\n", "key: value # comment", "# comment\rkey: value",
        "\t# tab before the comment", "# comment\u{2028}key: value", "\u{FEFF}# byte order mark", "---\n",
        "# control \u{1} character", "- item",
    ])
    func anythingElseIsLeftToYams(text: String) {
        #expect(!YAMLDocument.holdsOnlyComments(text))
        let ours = Result { () throws(YAMLSyntaxProblem) in try YAMLDocument.compose(text) }
        let yams = Result { try Yams.compose(yaml: text, .default, .default, .utf8) }
        switch (ours, yams) {
        case (.success(let node), .success(let expected)): #expect(node == expected)
        case (.failure, .failure): break
        default: Issue.record("\(text.debugDescription): ours \(ours), Yams \(yams)")
        }
    }
}
