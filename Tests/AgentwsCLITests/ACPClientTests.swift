import AgentwsTestSupport
import Foundation
import Testing

/// Issue 5: a real third-party ACP client — the `agent-client-protocol` Python SDK, installed by
/// scripts/setup-acp-client — launches `agentws acp` and drives it (Tests/Peers/acp_client.py).
@Suite("CLI: agentws acp under a real ACP client")
struct ACPClientTests {
    static let python = BuildProducts.repositoryRoot + "/.venv-acp/bin/python"
    static let script = BuildProducts.repositoryRoot + "/Tests/Peers/acp_client.py"

    @Test(arguments: CLIHarness.Mode.allCases)
    func thePythonSDKRunsSessionsThroughAgentwsACP(mode: CLIHarness.Mode) throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python),
            "the ACP client is not installed at \(Self.python): run scripts/setup-acp-client (scripts/test does)"
        )
        let cli = try CLIHarness(mode: mode)
        defer { cli.remove() }
        var environment = cli.environment
        environment["PATH"] = BuildProducts.directory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let outcome = try ChildProcess.run(
            Self.python,
            [
                Self.script, BuildProducts.agentws, cli.root, "acp-1",
                mode == .daemon ? "daemon" : "in-process",
            ],
            environment: environment, directory: cli.root)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("\"ok\": true"), "\(outcome)")
        let fields = try cli.bindingFields("acp-1")
        #expect(try cli.status("acp-1") == "stopped")
        #expect(fields["model"] as? String == "echo-2")
        #expect(try cli.run("show", "acp-1").stdout.contains("last stop    explicit"))
        let fork = try cli.bindingFields("acp-1-fork")
        #expect((fork["parent"] as? [String: String]) == ["thread": "acp-1"])
        #expect(fork["model"] as? String == "echo-2")
        #expect(try cli.status("acp-1-fork") == "stopped")
    }
}

/// `agentws acp` without a daemon owns its sessions: SIGTERM (as an editor sends when it closes)
/// answers the running prompt as cancelled and stops every session, cursor kept.
@Suite("CLI: agentws acp in-process")
struct ACPStdioTests {
    @Test func sigtermAnswersTheRunningPromptAndStopsTheSessions() throws {
        let cli = try CLIHarness()
        defer { cli.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuildProducts.agentws)
        process.arguments = ["acp"]
        process.currentDirectoryURL = URL(fileURLWithPath: cli.root)
        process.environment = cli.environment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let reader = LineReader(output.fileHandleForReading)
        func send(_ message: String) { input.fileHandleForWriting.write(Data((message + "\n").utf8)) }

        send(
            #"{"jsonrpc": "2.0", "id": 1, "method": "session/new", "params": {"cwd": "\#(cli.root)", "mcpServers": [], "_meta": {"agentws": {"thread": "s1"}}}}"#
        )
        #expect(try reader.line().contains(#""sessionId":"s1""#))
        send(
            #"{"jsonrpc": "2.0", "id": 2, "method": "session/prompt", "params": {"sessionId": "s1", "prompt": [{"type": "text", "text": "one"}]}}"#
        )
        while try !reader.line().contains(#""id":2"#) {}
        send(
            #"{"jsonrpc": "2.0", "id": 3, "method": "session/prompt", "params": {"sessionId": "s1", "prompt": [{"type": "text", "text": "[echo:sleep 60000] slow"}]}}"#
        )
        try waitUntil("the slow turn runs") { try cli.run("show", "s1").stdout.contains("live in pid") }
        process.terminate()
        var answer = ""
        while !answer.contains(#""id":3"#) { answer = try reader.line() }
        #expect(answer.contains(#""stopReason":"cancelled""#))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let fields = try cli.bindingFields("s1")
        #expect(try cli.status("s1") == "stopped")
        #expect(fields["resumeCursor"] is [String: String])
        #expect(try cli.run("show", "s1").stdout.contains("last stop    exit"))
    }
}

/// Reads lines from a pipe, failing when it ends.
final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func line() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer = Data(buffer[buffer.index(after: newline)...])
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty {
                throw TestFailure("the stream ended; had: \(String(decoding: buffer, as: UTF8.self))")
            }
            buffer.append(chunk)
        }
    }
}
