import AgentwsJSON
import AgentwsSystem

/// What rows 9–12 do with a daemon: connect, warm a thread of a provider, prompt it, stop the
/// daemon, read its memory. Plain `throws` throughout: the async rows call nothing with typed
/// throws (Swift 6.3's optimiser crashes splitting such coroutines).
enum AgentSessions {
    /// Every request is answered within this, or the row fails.
    static let timeout: UInt64 = 60_000_000_000

    /// A new ACP connection to `daemon`, initialised.
    static func connect(_ daemon: DaemonProcess) throws -> ACPSocketClient {
        let connection = try ACPSocketClient(socketPath: daemon.socketPath)
        try DaemonRow.initialize(connection)
        return connection
    }

    /// Opens `thread` on `provider` and runs one prompt: the session is warm after it.
    static func warm(_ connection: ACPSocketClient, thread: String, provider: String, cwd: String) throws {
        let opened = try connection.request(
            "session/new",
            [
                "cwd": .string(cwd), "mcpServers": [],
                "_meta": ["agentws": ["thread": .string(thread), "provider": .string(provider)]],
            ], timeout: timeout)
        guard opened["sessionId"]?.stringValue == thread else {
            throw BenchError("session/new for \(thread) answered \(JSONWriter.compactString(opened))")
        }
        try prompt(connection, thread: thread, text: "warm up")
    }

    /// One prompt, which must end `end_turn`.
    static func prompt(_ connection: ACPSocketClient, thread: String, text: String) throws {
        let answer = try connection.request(
            "session/prompt",
            ["sessionId": .string(thread), "prompt": [["type": "text", "text": .string(text)]]],
            timeout: timeout)
        guard answer["stopReason"]?.stringValue == "end_turn" else {
            throw BenchError("a prompt on \(thread) answered \(JSONWriter.compactString(answer))")
        }
    }

    /// SIGTERM, and exit 0 required.
    static func stop(_ daemon: DaemonProcess) throws {
        _ = try daemon.terminate(timeout: timeout)
    }

    static func treeMemory(_ pid: pid_t) throws -> ProcessTree.Memory {
        try ProcessTree.memory(of: pid)
    }
}
