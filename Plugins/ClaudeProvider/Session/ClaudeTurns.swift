import AgentPluginSupport
import AgentProcess
import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// The turn a session is running, and what Claude reports about it.
///
/// Claude reads one user message after another from stdin and answers each with messages ending in
/// a `result`; a second message written while a turn runs would be queued behind it, so the session
/// allows one turn at a time itself. Everything Claude writes arrives on the reader thread, in
/// order; this turns it into agentws events and ends the turn on `result` or when Claude dies.
final class ClaudeTurns: Sendable {
    typealias Outcome = TurnSlot<Turn>.Outcome

    /// What the session tracks about its running turn.
    struct Turn: Sendable {
        var interruptRequested = false
        /// Whether reply text was passed on; a later text block is then a new paragraph.
        var textSent = false
        var paragraphPending = false
        /// The messages whose text came as deltas (their final `assistant` copy is not sent again).
        var streamed: Set<String> = []
        /// The label of each tool use, for its result.
        var tools: [String: ToolUses.Label] = [:]
    }

    /// What `result`s said outside a turn and across turns (written on the reader thread).
    private struct Results {
        /// An error `result` that came with no turn running: a failed resume at start-up.
        var failureBeforeTurn: String?
        /// The process's running `total_cost_usd` at the last `result`, to tell one turn's cost.
        var costSoFar: Double = 0
    }

    /// The agentws session id events are reported for.
    var session: String { slot.session }
    private let host: PluginHost
    private let policy: PermissionPolicy
    private let slot: TurnSlot<Turn>
    private let results = Locked(Results())

    init(session: String, host: PluginHost, policy: PermissionPolicy) {
        slot = TurnSlot(session: session, busyReason: "claude would queue a second message behind it")
        self.host = host
        self.policy = policy
    }

    /// The handlers for the channel this tracker listens to.
    var handlers: ControlChannel.Handlers {
        ControlChannel.Handlers(
            message: { [self] message in receive(message) },
            request: { [self] request in answer(request) },
            ended: { [self] end in ended(end) })
    }

    /// Whether a turn is running.
    var isBusy: Bool { slot.isBusy }

    /// The text of an error `result` Claude sent while no turn ran (a resume that failed).
    var failureBeforeTurn: String? { results.withLock { $0.failureBeforeTurn } }

    // MARK: the turn, as `send` drives it

    /// Claims the session for a new turn.
    func begin() throws(PluginError) {
        try slot.begin(Turn())
    }

    /// Forgets a turn that could not be started.
    func abandon() {
        slot.abandon()
    }

    /// Waits for the running turn to end and frees the session for the next one.
    func outcome() async -> Outcome {
        await slot.outcome()
    }

    /// Records that the running turn is to be interrupted; false when no turn runs.
    func requestInterrupt() -> Bool {
        slot.withRunningTurn { $0.interruptRequested = true } != nil
    }

    /// Whether a turn is running and has not ended yet.
    var isRunning: Bool { slot.isRunning }

    /// From now on the process ending is a stop, not a failure: a running turn ends as cancelled.
    func markStopping() {
        slot.markStopping()
    }

    // MARK: what Claude reports (on the reader thread)

    private func receive(_ message: JSONValue) {
        // Messages of a subagent (Task tool) carry the tool use they belong to; only the main
        // conversation's reply is the turn's text.
        let subagent = !(message["parent_tool_use_id"]?.isNull ?? true)
        switch message["type"]?.stringValue {
        case "stream_event":
            guard !subagent else { return }
            streamEvent(message["event"] ?? [:], message: message["api_message_id"]?.stringValue)
        case "assistant":
            assistant(message["message"] ?? [:], subagent: subagent)
        case "user":
            for block in message["message"]?["content"]?.arrayValue ?? []
            where block["type"]?.stringValue == "tool_result" {
                let label = block["tool_use_id"]?.stringValue.flatMap { id in
                    slot.withTurn { $0.tools[id] } ?? nil
                }
                if let event = ToolUses.finished(block, label: label) {
                    host.emit(.toolCall(event), session: session)
                }
            }
        case "result":
            result(message)
        default:
            // system (init, status, …), rate limits, hooks: nothing for the user.
            break
        }
    }

    private func streamEvent(_ event: JSONValue, message: String?) {
        switch event["type"]?.stringValue {
        case "content_block_start":
            guard event["content_block"]?["type"]?.stringValue == "text" else { return }
            slot.withTurn { turn in
                if turn.textSent { turn.paragraphPending = true }
            }
        case "content_block_delta":
            guard event["delta"]?["type"]?.stringValue == "text_delta",
                let text = event["delta"]?["text"]?.stringValue, !text.isEmpty
            else { return }
            self.text(text, streamedIn: message)
        default:
            break
        }
    }

    /// Passes reply text on, after a blank line when it starts a new block of text.
    private func text(_ text: String, streamedIn message: String?) {
        let paragraph = slot.withTurn { turn -> Bool in
            defer {
                turn.textSent = true
                turn.paragraphPending = false
                if let message { turn.streamed.insert(message) }
            }
            return turn.paragraphPending
        }
        guard let paragraph else { return }
        if paragraph { host.emit(.text("\n\n"), session: session) }
        host.emit(.text(text), session: session)
    }

    private func assistant(_ message: JSONValue, subagent: Bool) {
        let streamed =
            message["id"]?.stringValue.map { id in
                slot.withTurn { $0.streamed.contains(id) } ?? false
            } ?? false
        for block in message["content"]?.arrayValue ?? [] {
            switch block["type"]?.stringValue {
            case "tool_use":
                guard let (id, label, event) = ToolUses.started(block) else { continue }
                slot.withTurn { $0.tools[id] = label }
                host.emit(.toolCall(event), session: session)
            case "text" where !subagent && !streamed:
                // Without partial messages (or a message not streamed), the text comes whole.
                if let text = block["text"]?.stringValue, !text.isEmpty {
                    slot.withTurn { turn in
                        if turn.textSent { turn.paragraphPending = true }
                    }
                    self.text(text, streamedIn: nil)
                }
            default:
                break
            }
        }
    }

    private func result(_ message: JSONValue) {
        let summary = Self.usageSummary(message)
        let failed = message["is_error"]?.boolValue == true
        let usage = results.withLock { results in
            if failed, !slot.isBusy { results.failureBeforeTurn = Self.errorText(message) }
            return Self.usage(of: message, costSoFar: &results.costSoFar)
        }
        guard slot.isRunning else { return }
        host.log(.info, "claude turn of \(session) ended: \(summary)")
        slot.finish { turn in
            if !failed {
                switch message["stop_reason"]?.stringValue {
                case "max_tokens": return .success(PluginTurnResult(stopReason: .maxTokens, usage: usage))
                case "refusal": return .success(PluginTurnResult(stopReason: .refusal, usage: usage))
                default:
                    return .success(
                        PluginTurnResult(
                            stopReason: turn.interruptRequested ? .cancelled : .endTurn, usage: usage))
                }
            } else if turn.interruptRequested {
                // An interrupted turn ends with `error_during_execution` (terminal_reason aborted_…).
                return .success(PluginTurnResult(stopReason: .cancelled, usage: usage))
            } else {
                return .failure(
                    PluginError(
                        code: .providerFailed, message: "claude failed the turn: \(Self.errorText(message))"))
            }
        }
    }

    /// What an error `result` says: its `errors`, else its `result` text, else its subtype.
    static func errorText(_ message: JSONValue) -> String {
        let errors = (message["errors"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !errors.isEmpty { return errors.joined(separator: "; ") }
        if let text = message["result"]?.stringValue, !text.isEmpty { return text }
        return message["subtype"]?.stringValue ?? "no reason given"
    }

    /// The turn's figures from a `result`. `usage` there is this turn's alone, but `total_cost_usd`
    /// is the running total of the process (observed with 2.1.332:
    /// docs/providers/claude-protocol-notes.md), so the turn's cost is the difference from the
    /// previous `result`; a resumed conversation's process starts again from zero.
    static func usage(of message: JSONValue, costSoFar: inout Double) -> PluginTurnResult.Usage {
        let counts = message["usage"] ?? [:]
        var usage = PluginTurnResult.Usage(
            outputTokens: counts["output_tokens"]?.integerValue,
            thoughtTokens: counts["output_tokens_details"]?["thinking_tokens"]?.integerValue,
            cachedReadTokens: counts["cache_read_input_tokens"]?.integerValue,
            cachedWriteTokens: counts["cache_creation_input_tokens"]?.integerValue)
        if let uncached = counts["input_tokens"]?.integerValue {
            // Claude's `input_tokens` leaves out the cached parts; agentws counts every input token
            // in `inputTokens` (as Codex does) and says in the cached figures how many hit the cache.
            let input = uncached + (usage.cachedReadTokens ?? 0) + (usage.cachedWriteTokens ?? 0)
            usage.inputTokens = input
            usage.totalTokens = usage.outputTokens.map { input + $0 }
        }
        if let total = message["total_cost_usd"]?.doubleValue, total.isFinite, total >= costSoFar {
            // Rounded to a billionth of a dollar so that the subtraction does not print 0.0106620000001.
            usage.cost = ((total - costSoFar) * 1e9).rounded() / 1e9
            costSoFar = total
        }
        return usage
    }

    /// Tokens and cost of a `result`, for the log.
    private static func usageSummary(_ message: JSONValue) -> String {
        let usage = message["usage"] ?? [:]
        let input = usage["input_tokens"]?.integerValue ?? 0
        let output = usage["output_tokens"]?.integerValue ?? 0
        let cost = message["total_cost_usd"].map { JSONWriter.compactString($0) } ?? "unknown"
        return "\(message["subtype"]?.stringValue ?? "?"), \(input) input and \(output) output tokens, "
            + "session cost so far $\(cost)"
    }

    private func answer(_ request: JSONValue) -> ControlChannel.Reply {
        let (reply, notice) = Permissions.answer(request, policy: policy)
        host.log(.info, notice)
        host.emit(.notice(notice), session: session)
        return reply
    }

    private func ended(_ end: ProcessEnd) {
        slot.ended(end, host: host) { _ in PluginTurnResult(stopReason: .cancelled) }
    }
}
