import AgentProcess
import AgentwsJSON
import AgentwsSystem
import AgentwsTestSupport
import Testing

/// A `/bin/sh -c script` child in a temporary directory, whose stderr log is kept there.
struct Shell {
    let directory: TemporaryDirectory
    let script: String

    init(_ script: String) throws {
        self.directory = try TemporaryDirectory(prefix: "agent-process")
        self.script = script
    }

    var command: ProcessCommand {
        ProcessCommand(
            executable: "/bin/sh", arguments: ["sh", "-c", script], environment: ["PATH": "/usr/bin:/bin"],
            directory: directory.path)
    }

    var logPath: String { directory.path + "/stderr.log" }

    /// Spawns the script as `name` and starts reading it into `recorder`.
    func start(_ name: String = "tool", recording recorder: Recorder) throws -> LineConnection {
        let connection = try LineConnection.spawn(
            command, name: name, purpose: "a test", logPath: logPath, log: recorder.log)
        try connection.start(recorder.lineHandlers)
        return connection
    }
}

/// Everything a connection handed out: lines, notifications, log lines, the end.
final class Recorder: Sendable {
    private struct State {
        var lines: [String] = []
        var notifications: [(method: String, params: JSONValue)] = []
        var log: [(level: ProcessLogLevel, message: String)] = []
        var end: ProcessEnd?
    }
    private let state = Locked(State())

    var lines: [String] { state.withLock { $0.lines } }
    var notifications: [(method: String, params: JSONValue)] { state.withLock { $0.notifications } }
    var logLines: [(level: ProcessLogLevel, message: String)] { state.withLock { $0.log } }
    var end: ProcessEnd? { state.withLock { $0.end } }

    var log: ProcessLog { { level, message in self.state.withLock { $0.log.append((level, message)) } } }

    var lineHandlers: LineConnection.Handlers {
        LineConnection.Handlers(
            line: { line in self.state.withLock { $0.lines.append(String(decoding: line, as: UTF8.self)) } },
            ended: { end in self.state.withLock { $0.end = end } })
    }

    func peerHandlers(
        request: @escaping @Sendable (JSONRPCID, String, JSONValue) -> JSONRPCPeer.Reply = { _, method, _ in
            .error(JSONRPCError(code: JSONRPCError.Code.methodNotFound, message: "no \(method)"))
        }
    ) -> JSONRPCPeer.Handlers {
        JSONRPCPeer.Handlers(
            notification: { method, params in
                self.state.withLock { $0.notifications.append((method, params)) }
            },
            request: request,
            ended: { end in self.state.withLock { $0.end = end } })
    }
}

/// A generous bound for a child to finish what it was told; reached only when something is broken.
let patience = Duration.seconds(20)
