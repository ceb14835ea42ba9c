import AgentwsACP
import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import AgentwsTestSupport
import Logging
import Testing

/// An ACP agent over an in-memory store and the in-memory provider (`MemoryProvider`, as instances
/// "script" and "other"), with one connection whose outgoing messages are collected: the protocol
/// without any transport.
final class AgentHarness: Sendable {
    let store = InMemoryThreadStore(processID: 77)
    /// The conversations of provider "script".
    let backend = MemoryBackend()
    let service: SessionService
    let agent: ACPAgent
    let connection: ACPConnection
    private let sent = SentMessages()
    private let nextID = Locked<Int64>(0)
    static let root = "/ws"

    init(configure: (inout Configuration) -> Void = { _ in }) {
        var configuration = Configuration.defaults
        configuration.models.defaultModel = "script/m1"
        configuration.providers = ["script": .init(plugin: "script"), "other": .init(plugin: "script")]
        configure(&configuration)
        service = SessionService(
            store: store,
            providers: MemoryResolver(providers: [
                "script": MemoryProvider(name: "script", backend: backend, canFork: true),
                "other": MemoryProvider(name: "other", backend: MemoryBackend(), canFork: true),
            ]),
            configuration: configuration, workspaceRoot: Self.root, residency: .resident,
            wallClock: { UTCDateTime(secondsSinceEpoch: 1_796_086_944) })
        let environment = ACPEnvironment(
            agentVersion: "9.9.9",
            relativePath: { path in
                if path == Self.root { return "." }
                return path.hasPrefix(Self.root + "/") ? String(path.dropFirst(Self.root.count + 1)) : nil
            },
            providersReport: { ["providers": ["script"]] },
            now: { UTCDateTime(secondsSinceEpoch: 1_796_086_944) })
        agent = ACPAgent(service: service, environment: environment, logger: Logger(label: "test"))
        let sent = sent
        connection = ACPConnection(agent: agent) { message in sent.append(message) }
    }

    /// Everything the agent sent so far, and forgets it.
    func takeSent() -> [JSONValue] { sent.take() }

    func makeRequest(_ method: String, _ params: JSONValue) -> (id: Int64, message: JSONValue) {
        let id = nextID.withLock { value -> Int64 in
            value += 1
            return value
        }
        return (id, ["jsonrpc": "2.0", "id": .integer(id), "method": .string(method), "params": params])
    }

    /// Sends a request and returns its response, plus the notifications sent before it.
    @discardableResult
    func request(_ method: String, _ params: JSONValue = [:]) async -> (
        response: JSONValue, notifications: [JSONValue]
    ) {
        let (id, message) = makeRequest(method, params)
        await connection.handle(message)
        return split(takeSent(), id: id)
    }

    /// The result of a request that must succeed.
    func result(
        _ method: String, _ params: JSONValue = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let (response, _) = await request(method, params)
        return try #require(
            response["result"], "\(method) failed: \(response)", sourceLocation: sourceLocation)
    }

    /// The error of a request that must fail.
    func error(
        _ method: String, _ params: JSONValue = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let (response, _) = await request(method, params)
        return try #require(
            response["error"], "\(method) succeeded: \(response)", sourceLocation: sourceLocation)
    }

    func split(_ messages: [JSONValue], id: Int64) -> (response: JSONValue, notifications: [JSONValue]) {
        let response = messages.first { $0["id"] == .integer(id) } ?? .null
        return (response, messages.filter { $0["id"] == nil })
    }

    /// Opens a session on `thread` (unbound) in the workspace root.
    func newSession(_ thread: String, meta: JSONValue = [:]) async throws -> JSONValue {
        var agentws = meta.objectValue ?? [:]
        agentws["thread"] = .string(thread)
        return try await result(
            "session/new",
            ["cwd": .string(Self.root), "mcpServers": [], "_meta": ["agentws": .object(agentws)]])
    }

    static func prompt(_ thread: String, _ text: String) -> JSONValue {
        ["sessionId": .string(thread), "prompt": [["type": "text", "text": .string(text)]]]
    }

    /// The reply text of `session/update` notifications.
    static func replyText(_ notifications: [JSONValue]) -> String {
        notifications.compactMap { message -> String? in
            guard message["method"] == "session/update",
                message["params"]?["update"]?["sessionUpdate"] == "agent_message_chunk"
            else { return nil }
            return message["params"]?["update"]?["content"]?["text"]?.stringValue
        }.joined()
    }

    func binding(_ thread: String) throws -> Binding? { try store.readBinding(try ThreadID(thread)) }

    /// Whether this machine's state records a live owner for the thread.
    func isLive(_ thread: String) throws -> Bool { store.readRuntime(try ThreadID(thread))?.ownerPID != nil }
}

/// The messages an agent sent, in order.
final class SentMessages: Sendable {
    private let messages = Locked<[JSONValue]>([])

    func append(_ message: JSONValue) { messages.withLock { $0.append(message) } }

    func take() -> [JSONValue] {
        messages.withLock { messages in
            defer { messages = [] }
            return messages
        }
    }
}
