import AgentProcess
import AgentwsJSON
import AgentwsSystem

/// The real `codex` (from scripts/setup-test-agents) against the loopback Responses mock
/// (Tests/Peers/mock_responses.py on 127.0.0.1), with a HOME and CODEX_HOME of its own: what rows
/// 9–11 run, through agentws and through the bare client alike.
struct CodexSetup {
    let codex: String
    let root: String
    let port: Int

    /// A codex in `root` talking to the mock on `port`.
    static func attached(root: String, port: Int, codex: String) -> CodexSetup {
        CodexSetup(codex: codex, root: root, port: port)
    }

    /// Starts the mock in `root` (see `BenchAgent.start`).
    static func start(root: String) throws -> (CodexSetup, LoopbackMock) {
        let (codex, mock) = try BenchAgent.codex.start(root: root)
        return (CodexSetup(codex: codex, root: root, port: mock.port), mock)
    }

    /// The working directory every thread uses.
    var project: String { root + "/project" }

    /// codex's arguments after the program: app-server offline against the mock.
    var arguments: [String] {
        let provider =
            "{name=\"mock\", base_url=\"http://127.0.0.1:\(port)/v1\", wire_api=\"responses\", "
            + "requires_openai_auth=false, request_max_retries=0, stream_max_retries=0}"
        return [
            "app-server", "--disable", "plugins", "-c", "model_provider=mock", "-c",
            "model_providers.mock=\(provider)",
        ]
    }

    /// The variables codex gets on top of the environment agentws passes on.
    var variables: [String: String] {
        let package = codex.split(separator: "/").dropLast(2).joined(separator: "/")
        return [
            "HOME": root + "/home", "CODEX_HOME": root + "/" + BenchAgent.codex.configurationDirectory,
            "NO_COLOR": "1",
            "PATH": "/\(package)/codex-path:/\(package)/codex-resources:/usr/bin:/bin",
        ]
    }

    /// The whole environment of a codex the bare client starts.
    var environment: [String: String] { BenchAgent.environment(adding: variables) }

    /// The codex plugin's `options` for this codex (`process`: `shared` or `per-session`).
    func options(process: String) -> JSONValue {
        [
            "command": [.string(codex), "app-server"],
            "args": .array(arguments.dropFirst().map { .string($0) }),
            "env": .object(variables.mapValues { .string($0) }), "process": .string(process),
        ]
    }

    /// `.agentws/config.yaml` for a workspace whose `codex` provider runs this codex.
    func configuration(process: String) -> String {
        let options = options(process: process)
        return """
            models:
              default: codex/mock-model
            providers:
              codex:
                plugin: codex
                idle_timeout: 24h
                options: \(JSONWriter.compactString(options))

            """
    }
}

/// The bare client of rows 10 and 11: `codex app-server` driven over JSON-RPC directly, as any
/// program using it would, with nothing of agentws between (it uses the same line and JSON-RPC
/// plumbing as the plugin, which is the least any client needs).
final class BareCodexClient {
    private let peer: JSONRPCPeer
    private let completed = Locked<[String: Latch]>([:])

    /// Starts codex and completes the handshake.
    init(_ setup: CodexSetup, logPath: String) async throws {
        let completed = completed
        let handlers = JSONRPCPeer.Handlers(
            notification: { method, params in
                guard method == "turn/completed", let thread = params["threadId"]?.stringValue else { return }
                completed.withLock { $0[thread] }?.open()
            },
            request: { _, method, _ in
                .error(JSONRPCError(code: JSONRPCError.Code.methodNotFound, message: "no \(method) here"))
            },
            ended: { _ in })
        peer = try JSONRPCPeer.launch(
            ProcessCommand(
                executable: setup.codex, arguments: [setup.codex] + setup.arguments,
                environment: setup.environment, directory: setup.project),
            name: "codex", purpose: "bare client", logPath: logPath,
            configuration: JSONRPCPeer.Configuration(dialect: .withoutVersion, requestTimeout: .seconds(30)),
            log: { _, _ in }, handlers: handlers)
        _ = try await peer.request(
            "initialize",
            ["clientInfo": ["name": "bench", "title": "bench", "version": "0"], "capabilities": .null])
        try peer.notify("initialized")
    }

    /// `thread/start` in `cwd`; the new thread's id.
    func startThread(cwd: String) async throws -> String {
        let result = try await peer.request("thread/start", ["cwd": .string(cwd), "model": "mock-model"])
        guard let thread = result["thread"]?["id"]?.stringValue else {
            throw BenchError("thread/start answered \(JSONWriter.compactString(result))")
        }
        return thread
    }

    /// `thread/resume` of `thread`, as the plugin sends it.
    func resume(_ thread: String, cwd: String) async throws {
        _ = try await peer.request(
            "thread/resume", ["threadId": .string(thread), "cwd": .string(cwd), "excludeTurns": true])
    }

    /// `thread/read` of `thread`, as the codex plugin's export asks for the rollout's path.
    func read(_ thread: String) async throws {
        let result = try await peer.request("thread/read", ["threadId": .string(thread)])
        guard result["thread"]?["path"]?.stringValue != nil else {
            throw BenchError("thread/read answered \(JSONWriter.compactString(result))")
        }
    }

    /// One turn: `turn/start` to `turn/completed`.
    func turn(_ thread: String, text: String) async throws {
        let latch = Latch()
        completed.withLock { $0[thread] = latch }
        _ = try await peer.request(
            "turn/start",
            [
                "threadId": .string(thread),
                "input": [["type": "text", "text": .string(text), "text_elements": []]],
            ])
        guard await latch.wait(atMost: .seconds(30)) else {
            throw BenchError("codex did not complete a turn of thread \(thread) within 30 s")
        }
    }

    /// Closes codex's input and waits for it to exit, as the plugin stops it.
    func close() async {
        await peer.terminate(grace: .seconds(3))
    }
}
