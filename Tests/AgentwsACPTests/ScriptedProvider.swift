import AgentwsCore
import AgentwsJSON
import AgentwsSystem

/// A provider for the protocol tests: replies `<model> turn <n>: <text>` one word per event,
/// reports a tool call (started, then completed) for a message containing "tool", and holds a
/// message containing "hold" until it is interrupted.
struct ScriptedProvider: Provider {
    let name: String
    let turns = Turns()

    final class Turns: Sendable {
        let state = Locked<(count: [String: Int], held: Int, starts: Int)>(([:], 0, 0))
        var held: Int { state.withLock { $0.held } }
        var starts: Int { state.withLock { $0.starts } }
        /// While set, a session start waits here until `releaseStarts()`.
        let startGate = Locked<(holding: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

        func holdStarts() { startGate.withLock { $0.holding = true } }
        var startsWaiting: Int { startGate.withLock { $0.waiting.count } }

        func releaseStarts() {
            let waiting = startGate.withLock { gate in
                gate.holding = false
                defer { gate.waiting = [] }
                return gate.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    func describe() async throws(ProviderError) -> ProviderCapabilities {
        ProviderCapabilities(modelSwitch: .inSession, models: ["m1", "m2"], canResume: true, canFork: true)
    }

    /// A copy named after the new thread, with the source's turns behind it.
    func fork(_ request: ForkRequest) async throws(ProviderError) -> JSONValue {
        guard let source = request.cursor["conversation"]?.stringValue else {
            throw ProviderError(.notFound, "no conversation \(request.cursor)")
        }
        let copy = "c-\(request.thread)"
        turns.state.withLock { $0.count[copy] = $0.count[source] ?? 0 }
        return ["conversation": .string(copy)]
    }

    func start(_ request: SessionStartRequest, events: @escaping ProviderEventHandler)
        async throws(ProviderError) -> any ProviderSession
    {
        await withCheckedContinuation { continuation in
            let now = turns.startGate.withLock { gate -> Bool in
                guard gate.holding else { return true }
                gate.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
        turns.state.withLock { $0.starts += 1 }
        let conversation = request.resumeCursor?["conversation"]?.stringValue ?? "c-\(request.thread)"
        return ScriptedSession(
            conversation: conversation, model: request.model ?? "m1", turns: turns, events: events)
    }
}

final class ScriptedSession: ProviderSession {
    let conversation: String
    let model: Locked<String>
    let turns: ScriptedProvider.Turns
    let events: ProviderEventHandler
    private let interruption = Locked<(interrupted: Bool, waiter: CheckedContinuation<Void, Never>?)>(
        (false, nil))

    init(
        conversation: String, model: String, turns: ScriptedProvider.Turns,
        events: @escaping ProviderEventHandler
    ) {
        self.conversation = conversation
        self.model = Locked(model)
        self.turns = turns
        self.events = events
    }

    var cursor: JSONValue? { ["conversation": .string(conversation)] }

    func send(_ turn: TurnRequest) async throws(ProviderError) -> TurnOutcome {
        interruption.withLock { $0.interrupted = false }
        if let requested = turn.model { model.withLock { $0 = requested } }
        let number = turns.state.withLock { state -> Int in
            state.count[conversation, default: 0] += 1
            return state.count[conversation] ?? 0
        }
        if turn.text.contains("think") {
            // What the acp provider plugin reports of its agent's thoughts and plan.
            events(.other(["session": "s", "type": "thought", "text": "pondering"]))
            events(
                .other([
                    "session": "s", "type": "plan",
                    "entries": [["content": "look", "priority": "high", "status": "in_progress"]],
                ]))
            events(.other(["session": "s", "type": "plan", "entries": [["content": "no status"]]]))
            events(.other(["session": "s", "type": "mystery"]))
        }
        if turn.text.contains("tool") {
            events(
                .toolCall(["id": .string("call-\(number)"), "title": "look around", "status": "in_progress"]))
            events(.toolCall(["id": .string("call-\(number)"), "status": "completed", "rawOutput": "done"]))
        }
        if turn.text.contains("hold") {
            await withCheckedContinuation { continuation in
                let resumeNow = interruption.withLock { state -> Bool in
                    if state.interrupted { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() } else { turns.state.withLock { $0.held += 1 } }
            }
            return TurnOutcome(stopReason: .cancelled)
        }
        let reply = "\(model.withLock { $0 }) turn \(number): \(turn.text)"
        for word in reply.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            events(.text((word.offset == 0 ? "" : " ") + word.element))
        }
        // "metered" in the text: the turn reports what it cost, as Claude Code's plugin does.
        let usage =
            turn.text.contains("metered")
            ? TurnUsage(
                inputTokens: 40, outputTokens: 5, cachedReadTokens: 30,
                cost: .init(amount: 0.0125, currency: "USD"))
            : nil
        return TurnOutcome(stopReason: .endTurn, usage: usage)
    }

    func interrupt() async throws(ProviderError) {
        let waiter = interruption.withLock { state -> CheckedContinuation<Void, Never>? in
            state.interrupted = true
            defer { state.waiter = nil }
            return state.waiter
        }
        if waiter != nil { turns.state.withLock { $0.held -= 1 } }
        waiter?.resume()
    }

    func isBusy() async throws(ProviderError) -> Bool { false }

    func stop() async throws(ProviderError) { try await interrupt() }
}

struct ScriptedResolver: ProviderResolver {
    let providers: [String: ScriptedProvider]
    func provider(named name: String) async throws -> any Provider {
        guard let provider = providers[name] else { throw AgentwsError(.notFound, "no provider \(name)") }
        return provider
    }
}
