import AgentPluginSupport
import AgentProcess
import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// A live session: one `claude -p --input-format stream-json` process on one Claude conversation,
/// serving turn after turn over its stdin.
final class ClaudeSession: LiveSession {
    let id: String
    /// The Claude session id: the conversation, and the cursor.
    let conversation: String
    private let channel: ControlChannel
    private let turns: ClaudeTurns
    private let stopGrace: Duration
    /// The model the process uses now (nil: Claude's default).
    private let model: Locked<String?>

    private init(
        id: String, conversation: String, channel: ControlChannel, turns: ClaudeTurns, stopGrace: Duration,
        model: String?
    ) {
        self.id = id
        self.conversation = conversation
        self.channel = channel
        self.turns = turns
        self.stopGrace = stopGrace
        self.model = Locked(model)
    }

    /// The cursor of this session's conversation.
    var cursor: JSONValue { Self.cursor(conversation) }

    static func cursor(_ conversation: String) -> JSONValue { ["sessionId": .string(conversation)] }

    /// Starts claude on `start` and waits for its answer to `initialize`: by then Claude has loaded
    /// the conversation it resumes, or said that it has none.
    static func open(
        id: String, start: ConversationStart, cwd: String, model: String?, policy: PermissionPolicy,
        environment: ClaudeEnvironment, options: ClaudeOptions, logPath: String, purpose: String,
        host: PluginHost
    ) async throws(PluginError) -> ClaudeSession {
        let turns = ClaudeTurns(session: id, host: host, policy: policy)
        let command = environment.command(start: start, directory: cwd, model: model, policy: policy)
        let channel: ControlChannel
        do {
            channel = try ControlChannel.launch(
                command, purpose: purpose, logPath: logPath, requestTimeout: options.requestTimeout,
                log: host.processLog, handlers: turns.handlers)
        } catch {
            throw PluginError(code: .providerFailed, message: "cannot start claude: \(error)")
        }
        do {
            _ = try await channel.request("initialize", ["hooks": .null])
        } catch {
            turns.markStopping()
            await channel.connection.terminate(grace: options.stopGrace)
            throw startFailure(error, start: start, turns: turns)
        }
        return ClaudeSession(
            id: id, conversation: start.id, channel: channel, turns: turns, stopGrace: options.stopGrace,
            model: model)
    }

    /// A failed start: when resuming, Claude's "No conversation found with session ID: …" or an error
    /// `result` before any turn is `resume-failed`; anything else is `provider-failed`.
    private static func startFailure(
        _ error: ControlChannel.Failure, start: ConversationStart, turns: ClaudeTurns
    )
        -> PluginError
    {
        let resumed: String
        switch start {
        case .fresh: return PluginError(code: .providerFailed, message: error.description)
        case .resume(let id), .fork(let id, _): resumed = id
        }
        if case .ended(_, let end) = error {
            if let line = end.stderrTail.first(where: { $0.contains("No conversation found") }) {
                return PluginError(code: .resumeFailed, message: line.trimmingSpaces)
            }
            if let failure = turns.failureBeforeTurn {
                return PluginError(
                    code: .resumeFailed,
                    message:
                        "claude could not resume session \(resumed): \(failure) (\(end.summary))\(end.details)"
                )
            }
        }
        return PluginError(code: .providerFailed, message: error.description)
    }

    // MARK: turns

    /// Runs one turn: the user message, then Claude's messages up to its `result`.
    func send(_ request: PluginTurnRequest) async throws(PluginError) -> PluginTurnResult {
        try turns.begin()
        if let wanted = request.model, wanted != model.withLock({ $0 }) {
            do {
                _ = try await channel.request("set_model", ["model": .string(wanted)])
                model.withLock { $0 = wanted }
            } catch {
                turns.abandon()
                throw PluginError(
                    code: .providerFailed, message: "cannot switch to model \(wanted): \(error)")
            }
        }
        do {
            try channel.sendUser(request.text)
        } catch {
            turns.abandon()
            throw PluginError(code: .providerFailed, message: "cannot send the message to claude: \(error)")
        }
        return try await turns.outcome().get()
    }

    /// Interrupts the running turn, if there is one; its `send` then ends as cancelled.
    func interrupt() async throws(PluginError) {
        guard turns.requestInterrupt() else { return }
        do {
            _ = try await channel.request("interrupt")
        } catch {
            // A turn that ended meanwhile needs no interrupt.
            guard turns.isRunning else { return }
            throw PluginError(code: .providerFailed, message: "cannot interrupt the turn: \(error)")
        }
    }

    /// Whether a turn is running.
    var isBusy: Bool { turns.isBusy }

    /// Ends the process: end of input, then SIGTERM, then SIGKILL. A running turn ends as cancelled;
    /// the conversation stays resumable, as Claude writes its transcript as the turn goes.
    func stop() async {
        turns.markStopping()
        await channel.connection.terminate(grace: stopGrace)
    }

    /// Waits until the process has ended by itself (e.g. after its input ended).
    func waitUntilEnded(atMost limit: Duration) async -> Bool {
        await channel.connection.waitUntilEnded(atMost: limit)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
