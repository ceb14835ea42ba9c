import AgentwsTestSupport
import Foundation
import Testing

/// Issue 5: the daemon's socket against hostile clients, and against other users.
@Suite("CLI: the daemon's socket")
struct DaemonSocketTests {
    @Test func malformedMessagesGetErrorsAndTheConnectionGoesOn() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        let client = try SocketClient(path: cli.socketPath)
        try client.send("{this is not json\n")
        let parse = try client.readMessage()
        #expect(parse["id"] is NSNull)
        #expect((parse["error"] as? [String: Any])?["code"] as? Int == -32700)

        try client.send(json: ["jsonrpc": "2.0", "id": 1, "method": "session/teleport", "params": [:]])
        #expect(((try client.response(to: 1).response["error"]) as? [String: Any])?["code"] as? Int == -32601)

        try client.send(json: ["jsonrpc": "2.0", "id": 2, "method": "_agentws/show", "params": ["thread": 5]])
        let wrong = try #require(try client.response(to: 2).response["error"] as? [String: Any])
        #expect(wrong["code"] as? Int == -32602)
        #expect(wrong["message"] as? String == "_agentws/show: params.thread: expected a string, found 5")

        try client.send("[1, 2, 3]\n")
        #expect((try client.readMessage()["error"] as? [String: Any])?["code"] as? Int == -32600)

        try client.send(json: ["jsonrpc": "2.0", "id": 3, "method": "_agentws/list", "params": [:]])
        #expect((try client.response(to: 3).response["result"] as? [String: Any])?["threads"] is [Any])
    }

    @Test func aLineOverTheLimitIsAnsweredAndClosedWhileOthersAreServed() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        let hostile = try SocketClient(path: cli.socketPath)
        try hostile.send(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: (1 << 20) + 4096))
        let refusal = try hostile.readMessage()
        let error = try #require(refusal["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32600)
        #expect((error["message"] as? String)?.contains("longer than 1048576 bytes") == true)
        #expect(try hostile.readLine() == nil)

        let other = try SocketClient(path: cli.socketPath)
        try other.send(json: [
            "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["protocolVersion": 1],
        ])
        #expect(
            (try other.response(to: 1).response["result"] as? [String: Any])?["protocolVersion"] as? Int == 1)
        try cli.run("send", "--thread", "t1", "still serving").expectSuccess()
    }

    @Test func aClientThatDisconnectsMidTurnDamagesNothing() throws {
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        try cli.run("send", "--thread", "t1", "one").expectSuccess()
        let before = try #require(cli.binding("t1"))

        let client = try SocketClient(path: cli.socketPath)
        try client.send(
            json: [
                "jsonrpc": "2.0", "id": 1, "method": "_agentws/send",
                "params": ["thread": "t1", "text": "[echo:sleep 60000] slow"],
            ])
        let ready = try client.readMessage()
        #expect(ready["method"] as? String == "_agentws/event")
        client.close()

        try waitUntil("the abandoned turn is interrupted") {
            try cli.run("show", "t1").stdout.contains("live         idle")
        }
        #expect(cli.binding("t1") == before)
        try cli.run("doctor").expectSuccess()
        let next = try cli.run("send", "--thread", "t1", "next").expectSuccess()
        // Turn 2 was the abandoned one: the provider had accepted it.
        #expect(next.stdout == "echo-1 turn 3 (start 1): next\n")
    }

    @Test func anotherUIDIsRefused() throws {
        #expect(getuid() == 0, "this test needs root, to run a client as another user (nobody)")
        let setpriv = "/usr/bin/setpriv"
        let python = "/usr/bin/python3"
        for tool in [setpriv, python] {
            try #require(
                FileManager.default.isExecutableFile(atPath: tool), "\(tool) is needed (util-linux, python3)")
        }
        let cli = try CLIHarness(mode: .daemon)
        defer { cli.remove() }
        let asNobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", python, "-c"]
        let connect = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(sys.argv[1])
            except PermissionError as error:
                print("refused by the file mode:", error)
                sys.exit(3)
            received = b""
            try:
                s.sendall(b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 1}}\\n')
                s.settimeout(20)
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    received += chunk
            except (ConnectionResetError, BrokenPipeError):
                pass
            print("received %d bytes" % len(received))
            """

        // The socket's mode (0600) keeps other users out before any byte is exchanged.
        let mode = try FileManager.default.attributesOfItem(atPath: cli.socketPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let byMode = try ChildProcess.run(
            asNobody[0], Array(asNobody.dropFirst()) + [connect, cli.socketPath])
        #expect(byMode.status == 3, "\(byMode)")

        // With the mode loosened, the peer credential check still refuses them.
        #expect(chmod(cli.socketPath, 0o666) == 0)
        let byCredentials = try ChildProcess.run(
            asNobody[0], Array(asNobody.dropFirst()) + [connect, cli.socketPath])
        #expect(byCredentials.status == 0, "\(byCredentials)")
        #expect(byCredentials.stdout == "received 0 bytes\n", "\(byCredentials)")
        #expect(cli.daemonLog.contains("refused a connection from uid 65534"))
        // Root's own clients are still served.
        try cli.run("send", "--thread", "t1", "hello").expectSuccess()
    }
}
