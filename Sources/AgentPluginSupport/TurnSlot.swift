import AgentProcess
import AgentwsSystem
import ProviderKit

/// The one turn a session of an agent-running plugin (codex, claude) has at a time, and its end.
///
/// Both agents read one message after another from one process and would fold or queue a second
/// message sent while a turn runs, so the session allows one turn at a time itself: `begin` claims
/// the slot, the agent's reader thread `finish`es the turn (or the process `ended`), and `outcome`
/// waits for that and frees the slot. `Details` is what the plugin tracks about the running turn
/// (codex: its turn id and token usage; claude: its text blocks and tool uses); it is read and
/// changed only under the slot's lock.
///
/// The acp plugin keeps its own `TurnState`: an ACP turn is the answer to one `session/prompt`
/// request, which the session awaits itself, so there is no outcome to hand over, and its session
/// has more phases (opening, where replayed history is consumed).
package final class TurnSlot<Details: Sendable>: Sendable {
    package typealias Outcome = Result<PluginTurnResult, PluginError>

    private struct Turn {
        var details: Details
        var outcome: Outcome?
        var waiter: CheckedContinuation<Outcome, Never>?
    }

    private struct State {
        var turn: Turn?
        var stopping = false
        var end: ProcessEnd?
    }

    /// The agentws session id, for messages.
    package let session: String
    /// Why a second turn must wait, for the refusal: `codex would fold a second message into it`.
    private let busyReason: String
    private let state = Locked(State())

    package init(session: String, busyReason: String) {
        self.session = session
        self.busyReason = busyReason
    }

    /// Whether a turn holds the slot (running, or ended and not collected yet).
    package var isBusy: Bool { state.withLock { $0.turn != nil } }

    /// Whether a turn runs and has not ended yet.
    package var isRunning: Bool { state.withLock { $0.turn != nil && $0.turn?.outcome == nil } }

    /// How the agent's process ended, once it has.
    package var processEnd: ProcessEnd? { state.withLock { $0.end } }

    /// Claims the slot for a new turn; refused while another holds it or after the process ended.
    package func begin(_ details: Details) throws(PluginError) {
        try state.withLock { state throws(PluginError) in
            if let end = state.end {
                throw PluginError(
                    code: .providerFailed,
                    message: "\(end.summary) since the last turn; the next message resumes the conversation"
                        + "\(end.details)")
            }
            guard state.turn == nil else {
                throw PluginError(
                    code: .invalidRequest,
                    message:
                        "session \(session) is already running a turn (\(busyReason)); wait for it to end or "
                        + "interrupt it")
            }
            state.turn = Turn(details: details)
        }
    }

    /// Frees the slot of a turn that could not be started.
    package func abandon() {
        state.withLock { $0.turn = nil }
    }

    /// Waits for the turn to end and frees the slot for the next one.
    package func outcome() async -> Outcome {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Outcome? in
                guard let turn = state.turn else {
                    return .failure(PluginError(code: .providerFailed, message: "the turn was lost"))
                }
                if let outcome = turn.outcome {
                    state.turn = nil
                    return outcome
                }
                state.turn?.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// `body` on the details of the turn holding the slot; nil when there is none.
    package func withTurn<Value>(_ body: (inout Details) -> Value) -> Value? {
        state.withLock { state in
            guard var turn = state.turn else { return nil }
            let value = body(&turn.details)
            state.turn = turn
            return value
        }
    }

    /// `body` on the details of a turn that has not ended yet; nil when there is none.
    package func withRunningTurn<Value>(_ body: (inout Details) -> Value) -> Value? {
        state.withLock { state in
            guard var turn = state.turn, turn.outcome == nil else { return nil }
            let value = body(&turn.details)
            state.turn = turn
            return value
        }
    }

    /// Ends the running turn with what `outcome` makes of its details (nil: not this turn, it goes
    /// on). The outcome goes to `outcome()`'s waiter, or waits for it.
    package func finish(_ outcome: (Details) -> Outcome?) {
        let resume = state.withLock { state -> (CheckedContinuation<Outcome, Never>, Outcome)? in
            guard let turn = state.turn, turn.outcome == nil, let ending = outcome(turn.details) else {
                return nil
            }
            guard let waiter = turn.waiter else {
                state.turn?.outcome = ending
                return nil
            }
            state.turn = nil
            return (waiter, ending)
        }
        if let (waiter, ending) = resume { waiter.resume(returning: ending) }
    }

    /// From now on the process ending is a stop, not a failure.
    package func markStopping() {
        state.withLock { $0.stopping = true }
    }

    /// The agent's process ended: a running turn ends as `stopped` makes it when the session was
    /// stopping, and fails otherwise (logged to `host`); later turns are refused with the reason.
    package func ended(_ end: ProcessEnd, host: PluginHost, stopped: (Details) -> PluginTurnResult) {
        let stopping = state.withLock { state -> Bool in
            state.end = end
            return state.stopping
        }
        if stopping {
            finish { .success(stopped($0)) }
        } else {
            host.log(.error, end.summary + end.details)
            finish { _ in
                .failure(
                    PluginError(
                        code: .providerFailed,
                        message: "\(end.summary) in the middle of the turn\(end.details)"))
            }
        }
    }
}
