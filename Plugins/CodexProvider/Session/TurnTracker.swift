import AgentPluginSupport
import AgentProcess
import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// The turn a session is running, and what codex reports about it.
///
/// Codex does not refuse a `turn/start` while a turn runs: it steers the new text into the running
/// turn, and an interrupt then loses it (codex-protocol-notes §12). So the session allows one turn at
/// a time itself. Everything codex reports arrives on the connection's reader thread, in order; the
/// tracker turns it into agentws events and ends the turn on `turn/completed` or when codex dies.
final class TurnTracker: Sendable {
    typealias Outcome = TurnSlot<Turn>.Outcome
    /// How codex ended a turn, before the turn's usage is added to it.
    typealias Ending = Result<PluginTurnResult.StopReason, PluginError>

    /// What `interrupt` has to do.
    enum InterruptPlan: Equatable {
        /// No turn is running.
        case nothing
        /// The turn's id is not known yet; the interrupt is sent as soon as it is.
        case deferred
        /// Send `turn/interrupt` for this turn.
        case send(thread: String, turn: String)
    }

    /// What the session tracks about its running turn.
    struct Turn: Sendable {
        var id: String?
        var interruptDeferred = false
        /// The agent message whose text came last, to separate one message from the next.
        var textItem: String?
        /// The paths of each file-change item, for approval notices (the request does not name them).
        var editedPaths: [String: [String]] = [:]
        /// The tokens of the turn's model requests so far.
        var usage: PluginTurnResult.Usage?
    }

    /// The agentws session id events are reported for.
    var session: String { slot.session }
    private let host: PluginHost
    private let policy: RuntimePolicy
    private let slot: TurnSlot<Turn>
    /// The codex thread the session is on, once started or resumed.
    private let thread = Locked<String?>(nil)

    init(session: String, host: PluginHost, policy: RuntimePolicy) {
        slot = TurnSlot(session: session, busyReason: "codex would fold a second message into it")
        self.host = host
        self.policy = policy
    }

    /// The codex thread the session is on, once started or resumed.
    func attach(thread id: String) {
        thread.withLock { $0 = id }
    }

    /// Whether a turn is running.
    var isBusy: Bool { slot.isBusy }

    /// How codex's process ended, once it has.
    var processEnd: ProcessEnd? { slot.processEnd }

    // MARK: the turn, as `send` drives it

    /// Claims the session for a new turn.
    func begin() throws(PluginError) {
        try slot.begin(Turn())
    }

    /// Records the turn id from the `turn/start` answer; true when an interrupt was asked for before
    /// the id was known and must be sent now.
    func started(turn id: String) -> Bool {
        slot.withTurn { turn in
            if turn.id == nil { turn.id = id }
            defer { turn.interruptDeferred = false }
            return turn.interruptDeferred
        } ?? false
    }

    /// Forgets a turn codex refused to start.
    func abandon() {
        slot.abandon()
    }

    /// Waits for the running turn to end and frees the session for the next one.
    func outcome() async -> Outcome {
        await slot.outcome()
    }

    /// Asks for the running turn to be interrupted.
    func requestInterrupt() -> InterruptPlan {
        let thread = thread.withLock { $0 }
        return slot.withRunningTurn { turn in
            guard let id = turn.id, let thread else {
                turn.interruptDeferred = true
                return .deferred
            }
            return .send(thread: thread, turn: id)
        } ?? .nothing
    }

    /// Whether the turn that was running when `interrupt` was asked for has ended by itself.
    func isRunning(turn id: String) -> Bool {
        slot.withRunningTurn { $0.id == id } ?? false
    }

    /// From now on the process ending is a stop, not a failure: a running turn ends as cancelled.
    func markStopping() {
        slot.markStopping()
    }

    /// Ends a running turn as cancelled: its session stopped and nothing more will come for it.
    func cancelForStop() {
        finish(.success(.cancelled), turn: nil)
    }

    /// Ends the running turn (the one named `id`, when given) as `ending`, with its usage so far.
    private func finish(_ ending: Ending, turn id: String?) {
        slot.finish { turn in
            if let id, let known = turn.id, known != id { return nil }
            return ending.map { PluginTurnResult(stopReason: $0, usage: turn.usage) }
        }
    }

    // MARK: what codex reports (on the reader thread)

    /// Something codex reported about this tracker's thread (or about no thread in particular).
    func notification(_ method: String, _ params: JSONValue) {
        if let theirs = params["threadId"]?.stringValue, let ours = thread.withLock({ $0 }), theirs != ours {
            return
        }
        switch method {
        case "item/agentMessage/delta":
            guard let delta = params["delta"]?.stringValue, !delta.isEmpty else { return }
            text(delta, item: params["itemId"]?.stringValue)
        case "item/started", "item/completed":
            guard let item = params["item"] else { return }
            if item["type"]?.stringValue == "fileChange", let id = item["id"]?.stringValue {
                let paths = ToolCalls.changedPaths(item)
                slot.withTurn { $0.editedPaths[id] = paths }
            }
            if let call = ToolCalls.event(for: item, finished: method == "item/completed") {
                host.emit(.toolCall(call), session: session)
            }
        case "turn/started":
            if let id = params["turn"]?["id"]?.stringValue {
                slot.withTurn { turn in
                    if turn.id == nil { turn.id = id }
                }
            }
        case "turn/completed":
            completed(params["turn"] ?? [:])
        case "thread/tokenUsage/updated":
            tokens(params)
        case "error":
            // Only `willRetry: true` needs saying: a final error also fails the turn, whose message
            // carries it. A retrying turn may retry for ever (an unreachable provider).
            guard params["willRetry"]?.boolValue == true else { return }
            let error = params["error"] ?? [:]
            var text = "codex: \(error["message"]?.stringValue ?? "error")"
            if let details = error["additionalDetails"]?.stringValue { text += " (\(details))" }
            host.emit(.notice(text + "; retrying (interrupt the turn to give up)"), session: session)
        case "warning":
            if let message = params["message"]?.stringValue {
                host.emit(.notice("codex: \(message)"), session: session)
            }
        case "configWarning":
            if let summary = params["summary"]?.stringValue {
                let details = params["details"]?.stringValue.map { " (\($0))" } ?? ""
                host.emit(.notice("codex configuration: \(summary)\(details)"), session: session)
            }
        case "deprecationNotice":
            if let summary = params["summary"]?.stringValue {
                host.log(.info, "codex deprecation notice: \(summary)")
            }
        default:
            break
        }
    }

    /// `thread/tokenUsage/updated` comes after each model request with that request's tokens
    /// (`last`) and the thread's running total (`total`); the turn's usage is the sum of its
    /// requests' `last`. Codex counts cached input inside `inputTokens`, as agentws does.
    private func tokens(_ params: JSONValue) {
        guard let last = params["tokenUsage"]?["last"] else { return }
        let turnID = params["turnId"]?.stringValue
        slot.withRunningTurn { turn in
            if let turnID, let known = turn.id, known != turnID { return }
            var usage = turn.usage ?? PluginTurnResult.Usage()
            func add(_ path: WritableKeyPath<PluginTurnResult.Usage, Int64?>, _ key: String) {
                guard let count = last[key]?.integerValue, count >= 0 else { return }
                usage[keyPath: path] = (usage[keyPath: path] ?? 0) + count
            }
            add(\.inputTokens, "inputTokens")
            add(\.outputTokens, "outputTokens")
            add(\.totalTokens, "totalTokens")
            add(\.thoughtTokens, "reasoningOutputTokens")
            add(\.cachedReadTokens, "cachedInputTokens")
            add(\.cachedWriteTokens, "cacheWriteInputTokens")
            turn.usage = usage
        }
    }

    private func text(_ delta: String, item: String?) {
        // Two agent messages in one turn (before and after a tool call) are two paragraphs.
        let separate = slot.withTurn { turn -> Bool in
            defer { turn.textItem = item }
            return turn.textItem != nil && turn.textItem != item
        }
        guard let separate else { return }
        if separate { host.emit(.text("\n\n"), session: session) }
        host.emit(.text(delta), session: session)
    }

    private func completed(_ turn: JSONValue) {
        let id = turn["id"]?.stringValue
        let outcome: Ending
        switch turn["status"]?.stringValue {
        case "completed": outcome = .success(.endTurn)
        case "interrupted": outcome = .success(.cancelled)
        case "failed":
            let error = turn["error"] ?? [:]
            var message = error["message"]?.stringValue ?? "no reason given"
            if let details = error["additionalDetails"]?.stringValue { message += " (\(details))" }
            outcome = .failure(
                PluginError(code: .providerFailed, message: "codex failed the turn: \(message)"))
        case let status:
            outcome = .failure(
                PluginError(
                    code: .providerFailed,
                    message:
                        "codex ended the turn with status \(status ?? "(none)"), which agentws does not know")
            )
        }
        finish(outcome, turn: id)
    }

    /// A request codex sent about this tracker's thread: answered at once.
    func request(_ method: String, _ params: JSONValue) -> JSONRPCPeer.Reply {
        let item = params["itemId"]?.stringValue ?? ""
        let paths = slot.withTurn { $0.editedPaths[item] ?? [] } ?? []
        let (reply, notice) = Approvals.answer(
            method: method, params: params, policy: policy, editedPaths: paths)
        host.log(.info, notice)
        host.emit(.notice(notice), session: session)
        return reply
    }

    /// Codex's process ended: a running turn ends, cancelled (with its usage) when stopping and
    /// failed otherwise.
    func ended(_ end: ProcessEnd) {
        slot.ended(end, host: host) { PluginTurnResult(stopReason: .cancelled, usage: $0.usage) }
    }
}
