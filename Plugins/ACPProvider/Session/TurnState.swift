import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// What one ACP session has going on, shared between the plugin's calls and the connection's
/// reader thread: whether a turn runs (and so whether updates are shown or consumed), the mapper's
/// merged tool calls, the session's model option, and how the agent ended if it did.
final class TurnState: Sendable {
    enum Phase: Equatable {
        /// Starting: `session/new`, or a `session/load` / `session/resume` whose replayed history is
        /// consumed, never shown as a new turn.
        case opening
        /// Between turns: late updates are logged, not shown.
        case idle
        /// A turn runs; its updates become events.
        case turn
        /// Stopping on purpose: the process ending is no failure.
        case stopping
    }

    private struct State {
        var phase = Phase.opening
        var mapper = UpdateMapper()
        var configOptions: JSONValue?
        var consumed = 0
        var end: String?
        /// Whether the running turn's `session/prompt` has been written.
        var promptSent = false
        /// An interrupt asked for before the prompt was written; sent right after it.
        var cancelDeferred = false
    }

    /// The agentws session id events are reported for.
    let session: String
    /// The ACP session id, once known; updates for another session are ignored.
    private let acpSession = Locked<String?>(nil)
    private let host: PluginHost
    private let state = Locked(State())

    init(session: String, host: PluginHost) {
        self.session = session
        self.host = host
    }

    func attach(acpSession id: String, configOptions: JSONValue?) {
        acpSession.withLock { $0 = id }
        state.withLock { state in
            if let configOptions { state.configOptions = configOptions }
            state.phase = .idle
        }
    }

    /// How many updates were consumed while opening (a replayed history).
    var consumedUpdates: Int { state.withLock { $0.consumed } }

    /// The model option the agent offers for this session, as last reported.
    var modelOption: ModelOption? { ModelOption.find(in: state.withLock { $0.configOptions }) }

    func replaceConfigOptions(_ options: JSONValue) {
        state.withLock { $0.configOptions = options }
    }

    /// Claims the session for a turn.
    func beginTurn() throws(PluginError) {
        try state.withLock { state throws(PluginError) in
            if let end = state.end {
                throw PluginError(
                    code: .providerFailed,
                    message: "\(end); the next message starts the agent again and resumes the conversation")
            }
            switch state.phase {
            case .idle:
                state.phase = .turn
                state.promptSent = false
                state.cancelDeferred = false
            case .turn:
                throw PluginError(
                    code: .invalidRequest,
                    message:
                        "session \(session) is already running a turn; wait for it to end or interrupt it")
            case .opening, .stopping:
                throw PluginError(
                    code: .invalidRequest, message: "session \(session) is not ready for a turn")
            }
        }
    }

    func endTurn() {
        state.withLock { state in
            if state.phase == .turn { state.phase = .idle }
        }
    }

    var isTurnRunning: Bool { state.withLock { $0.phase == .turn } }

    /// What an interrupt has to do now.
    enum CancelPlan: Equatable {
        /// No turn runs.
        case nothing
        /// The prompt is not written yet; `promptSent` answers `true` and the cancel goes right after.
        case deferred
        /// Send `session/cancel` now.
        case send
    }

    /// Asks for the running turn to be cancelled.
    func requestCancel() -> CancelPlan {
        state.withLock { state in
            guard state.phase == .turn else { return .nothing }
            guard state.promptSent else {
                state.cancelDeferred = true
                return .deferred
            }
            return .send
        }
    }

    /// Records that the turn's prompt is written; true when an interrupt came before and the cancel
    /// must be sent now (ACP: a cancel before its prompt would be ignored).
    func promptSent() -> Bool {
        state.withLock { state in
            guard state.phase == .turn else { return false }
            state.promptSent = true
            defer { state.cancelDeferred = false }
            return state.cancelDeferred
        }
    }

    func markStopping() {
        state.withLock { $0.phase = .stopping }
    }

    /// Records that the agent is gone (`why`, a whole sentence part); later turns fail with it.
    func ended(_ why: String) {
        state.withLock { $0.end = why }
    }

    var isStopping: Bool { state.withLock { $0.phase == .stopping } }

    /// A `session/update` notification's params.
    func update(_ params: JSONValue) {
        if let ours = acpSession.withLock({ $0 }), let theirs = params["sessionId"]?.stringValue,
            theirs != ours
        {
            host.log(.debug, "ignored an update for another ACP session \(theirs)")
            return
        }
        guard let update = params["update"] else { return }
        let events = state.withLock { state -> [PluginEvent] in
            let outcome = state.mapper.map(update)
            if let options = outcome.configOptions { state.configOptions = options }
            switch state.phase {
            case .turn: return outcome.events
            case .opening:
                state.consumed += 1
                return []
            case .idle, .stopping: return []
            }
        }
        for event in events { host.emit(event, session: session) }
    }

    /// Tells the user something during the session.
    func notice(_ text: String) {
        host.emit(.notice(text), session: session)
    }
}
