import AgentwsCore
import AgentwsJSON
import AgentwsSystem

extension ACPAgent {
    /// `session/prompt`: one turn. Streams `session/update` notifications while it runs and answers
    /// with the stop reason — `cancelled` whenever the client cancelled, as ACP requires — plus, in
    /// `_meta.agentws`, how the session was obtained (`fresh`, `resumed`, `warm`, `replaced`).
    func prompt(_ params: Params, _ context: RequestContext) async throws -> JSONValue {
        let thread = try params.thread("sessionId")
        let text = try PromptText.text(of: try params.array("prompt"), method: params.method)
        let entry = try await knownSession(thread)
        let request = SendRequest(
            thread: thread, text: text, model: entry?.choice?.model, provider: entry?.choice?.provider,
            cwd: entry?.cwd ?? ".")
        let connection = context.connection
        let updates = Locked(SessionUpdates())
        let result: (send: SendResult, cancelled: Bool)
        do {
            result = try await runPrompt(request, context) { event in
                guard let update = updates.withLock({ $0.update(for: event) }) else { return }
                connection.send(
                    OutgoingMessage.notification(
                        ACPMethod.sessionUpdate, ["sessionId": .string(thread.rawValue), "update": update]))
            }
        } catch is PromptCancelled {
            return ["stopReason": .string(StopReason.cancelled.rawValue)]
        }
        sessions.settle(thread, requested: entry)
        let stopReason = result.cancelled ? StopReason.cancelled : result.send.stopReason
        var answer: [String: JSONValue] = [
            "stopReason": .string(stopReason.rawValue),
            "_meta": [
                "agentws": [
                    "thread": .string(thread.rawValue), "provider": .string(result.send.provider),
                    "model": .optional(result.send.model), "start": .string(result.send.start.rawValue),
                ]
            ],
        ]
        // ACP's `PromptResponse.usage` requires the three totals; the full figures (cost too) are in
        // the `turn_finished` event of `_agentws/send` and `agentws send --json`.
        if let usage = result.send.usage, let acpUsage = usage.acpPromptUsage { answer["usage"] = acpUsage }
        return .object(answer)
    }

    /// `session/cancel`: interrupts the thread's turn. A prompt of this connection that has not
    /// reached its turn yet is interrupted as soon as it does.
    func cancel(_ thread: ThreadID, _ connection: ACPConnection) {
        let (underWay, found) = connection.prompts.cancel(thread)
        for token in underWay { interrupt(thread, until: token, of: connection) }
        // With no prompt here, the turn to cancel is another client's on the same session.
        if !found { interruptQuietly(thread) }
    }

    /// Runs a send as the request's registered prompt, so that `session/cancel` and a disconnect
    /// reach it. Returns whether it was cancelled.
    func runPrompt(
        _ request: SendRequest, _ context: RequestContext, events: @escaping @Sendable (SessionEvent) -> Void
    ) async throws -> (send: SendResult, cancelled: Bool) {
        guard let prompt = context.prompt, prompt.thread == request.thread else {
            throw AgentwsError(.failure, "internal error: a turn without its prompt registration")
        }
        let connection = context.connection
        // Cancelled while it waited behind earlier requests: the turn never starts.
        if connection.prompts.isCancelled(prompt.token) { throw PromptCancelled(thread: prompt.thread) }
        let result = try await service.send(request) { [self] event in
            if case .sessionReady = event, connection.prompts.ready(prompt.token) {
                interrupt(prompt.thread, until: prompt.token, of: connection)
            }
            events(event)
        }
        return (result, connection.prompts.end(prompt.token))
    }
}

/// A prompt cancelled before its turn started (by `session/cancel`, `session/close` or the client
/// going away while it waited behind earlier requests on its session).
struct PromptCancelled: AgentwsFailure {
    let thread: ThreadID
    var category: ErrorCategory { .failure }
    var description: String { "the turn on thread \(thread) was cancelled before it started" }
}
