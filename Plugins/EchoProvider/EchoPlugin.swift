import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// The `echo` provider: deterministic replies that carry the conversation's turn number, with
/// conversations kept on disk so that resume is observable (docs/providers/echo.md).
///
/// `package`, not internal, so that the benchmark can time a direct Swift call of this logic against
/// the same turn through the plugin ABI; the product only ever reaches it through the ABI.
package actor EchoPlugin: ProviderPlugin {
    package static let name = "echo"
    package static let version = "0.1.0"

    let instance: String
    let options: EchoOptions
    let store: ConversationStore
    let host: PluginHost
    private var sessions: [String: EchoSession] = [:]
    private var sessionsStarted = 0
    private var backgroundStarted = 0

    package init(configuration: PluginConfiguration, host: PluginHost) throws {
        self.instance = configuration.instanceName
        self.options = try EchoOptions(configuration.options, instance: configuration.instanceName)
        guard configuration.stateDirectory.hasPrefix("/") else {
            throw PluginError(
                code: .invalidRequest,
                message:
                    "provider \"\(instance)\" (echo): stateDirectory \"\(configuration.stateDirectory)\" is not absolute"
            )
        }
        self.store = ConversationStore(stateDirectory: configuration.stateDirectory)
        self.host = host
    }

    package func describe() async throws -> PluginCapabilities {
        PluginCapabilities(modelSwitch: options.modelSwitch, models: EchoModels.all, canResume: true)
    }

    package func start(_ request: StartRequest) async throws -> StartResult {
        let requestedModel = try request.model.map { model throws(PluginError) in
            try EchoModels.validate(model)
        }
        let conversation: EchoConversation
        if let cursor = request.resumeCursor {
            conversation = try resume(cursor, model: requestedModel)
        } else {
            conversation = try store.create(
                thread: request.thread, model: requestedModel ?? EchoModels.fallback)
            host.log(.info, "echo: started conversation \(conversation.id) for thread \(request.thread)")
        }
        sessionsStarted += 1
        let session = EchoSession(id: "session-\(sessionsStarted)", conversation: conversation)
        sessions[session.id] = session
        return StartResult(
            session: session.id, cursor: conversation.cursor, resumed: request.resumeCursor != nil)
    }

    private func resume(_ cursor: JSONValue, model: String?) throws(PluginError) -> EchoConversation {
        let id = try EchoConversation.id(fromCursor: cursor)
        if options.failResume {
            throw PluginError(
                code: .resumeFailed,
                message:
                    "echo: conversation \(id) cannot be resumed: provider \"\(instance)\" has fail_resume set"
            )
        }
        guard var conversation = try store.load(id) else {
            throw PluginError(
                code: .resumeFailed,
                message: "echo: conversation \(id) is gone (no \(store.path(of: id)))"
            )
        }
        if let model { try switchModel(of: &conversation, to: model) }
        conversation.starts += 1
        try store.save(conversation)
        host.log(.info, "echo: resumed conversation \(id) (start \(conversation.starts))")
        return conversation
    }

    /// Takes `model` for a stored conversation (a resume, a fork) when the conversation can switch.
    func switchModel(of conversation: inout EchoConversation, to model: String) throws(PluginError) {
        guard model != conversation.model else { return }
        guard options.modelSwitch == .inSession else {
            throw PluginError(
                code: .invalidRequest,
                message: "echo: conversation \(conversation.id) uses \(conversation.model); \(model) needs a "
                    + "fresh conversation (provider \"\(instance)\" has model_switch: restart)"
            )
        }
        conversation.model = model
    }

    package func send(_ request: PluginTurnRequest) async throws -> PluginTurnResult {
        guard var session = sessions[request.session] else { throw Self.noSession(request.session) }
        guard session.turn == nil else {
            throw PluginError(code: .invalidRequest, message: "echo: \(session.id) is already running a turn")
        }
        let directives = try EchoDirectives(parsing: request.text)
        if let model = request.model, model != session.conversation.model {
            _ = try EchoModels.validate(model)
            guard options.modelSwitch == .inSession else {
                throw PluginError(
                    code: .invalidRequest,
                    message:
                        "echo: switching \(session.id) from \(session.conversation.model) to \(model) needs a "
                        + "restart (provider \"\(instance)\" has model_switch: restart)"
                )
            }
            session.conversation.model = model
        }
        // Every message the conversation receives is a turn, including one that fails later.
        session.conversation.turns += 1
        session.conversation.record("user", request.text)
        if !session.forgotten { try store.save(session.conversation) }
        session.turn = EchoSession.Turn()
        if directives.failStop { session.failStop = true }
        sessions[session.id] = session
        do {
            let result = try await run(directives, in: session)
            sessions[session.id]?.turn = nil
            return result
        } catch {
            sessions[session.id]?.turn = nil
            throw error
        }
    }

    /// Runs a counted turn of `session` as its directives say.
    private func run(_ directives: EchoDirectives, in session: EchoSession) async throws -> PluginTurnResult {
        let id = session.id
        let conversation = session.conversation
        if directives.fail {
            throw PluginError(
                code: .providerFailed,
                message:
                    "echo: turn \(conversation.turns) of conversation \(conversation.id) failed as asked ([echo:fail])"
            )
        }
        if directives.tool {
            let call: JSONValue = [
                "id": .string("echo-\(conversation.id)-\(conversation.turns)"), "title": "echo",
                "status": "completed", "rawInput": .string(directives.message),
            ]
            host.emit(.toolCall(call), session: id)
        }
        let delay = directives.sleepMilliseconds ?? options.delayMilliseconds
        if delay > 0 {
            let sleeper = Task { try await Task.sleep(for: .milliseconds(delay)) }
            sessions[id]?.turn?.sleeper = sleeper
            _ = await sleeper.result
        }
        // A stopped session has no turn left: the turn ends as if interrupted.
        guard let turn = sessions[id]?.turn, !turn.interrupted else {
            return PluginTurnResult(stopReason: .cancelled)
        }

        let reply = EchoReply.text(
            model: conversation.model, turn: conversation.turns, start: conversation.starts,
            message: directives.message)
        let chunks = EchoReply.chunks(reply)
        if directives.crash {
            for chunk in chunks.prefix((chunks.count + 1) / 2) { host.emit(.text(chunk), session: id) }
            host.log(.warning, "echo: killing process \(getpid()) as asked ([echo:crash])")
            kill(getpid(), SIGKILL)
        }
        for chunk in chunks { host.emit(.text(chunk), session: id) }
        try finish(id, reply: reply, forget: directives.forget)
        if let milliseconds = directives.busyMilliseconds { startBackground(id, milliseconds: milliseconds) }
        return PluginTurnResult(stopReason: .endTurn)
    }

    /// Records the reply, and forgets the conversation if asked.
    private func finish(_ id: String, reply: String, forget: Bool) throws(PluginError) {
        guard var session = sessions[id] else { return }
        session.conversation.record("echo", reply)
        if forget {
            try store.delete(session.conversation.id)
            session.forgotten = true
            host.emit(
                .notice("echo forgot conversation \(session.conversation.id); resuming it will fail"),
                session: id)
        } else if !session.forgotten {
            try store.save(session.conversation)
        }
        sessions[id] = session
    }

    private func startBackground(_ id: String, milliseconds: Int64) {
        guard sessions[id] != nil else { return }
        sessions[id]?.background?.task.cancel()
        backgroundStarted += 1
        let token = backgroundStarted
        host.emit(.busy(true), session: id)
        let task = Task {
            try? await Task.sleep(for: .milliseconds(milliseconds))
            self.finishBackground(id, token: token)
        }
        sessions[id]?.background = EchoSession.Background(token: token, task: task)
    }

    private func finishBackground(_ id: String, token: Int) {
        // Work that was replaced, or whose session stopped, ends silently.
        guard sessions[id]?.background?.token == token else { return }
        sessions[id]?.background = nil
        host.emit(.busy(false), session: id)
    }

    package func interrupt(session id: String) async throws {
        guard sessions[id] != nil else { throw Self.noSession(id) }
        sessions[id]?.turn?.interrupted = true
        sessions[id]?.turn?.sleeper?.cancel()
    }

    package func status(session id: String) async throws -> SessionStatus {
        guard let session = sessions[id] else { throw Self.noSession(id) }
        return SessionStatus(busy: session.isBusy)
    }

    package func stop(session id: String) async throws {
        guard let session = sessions.removeValue(forKey: id) else { throw Self.noSession(id) }
        session.turn?.sleeper?.cancel()
        session.background?.task.cancel()
        if session.failStop {
            throw PluginError(
                code: .providerFailed, message: "echo: stopping \(id) failed as asked ([echo:fail-stop])")
        }
    }

    package func shutdown() async {
        for session in sessions.values {
            session.turn?.sleeper?.cancel()
            session.background?.task.cancel()
        }
        sessions = [:]
    }

    private static func noSession(_ id: String) -> PluginError {
        PluginError(code: .notFound, message: "echo: no live session \(id)")
    }
}
