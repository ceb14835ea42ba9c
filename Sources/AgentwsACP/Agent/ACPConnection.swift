import AgentwsCore
import AgentwsJSON

/// One client of an `ACPAgent`: reads JSON-RPC messages, answers them and sends notifications
/// through `send`, which the transport writes in the order it is called.
///
/// Messages are taken in two steps so that several can be handled at once (a `session/cancel` must
/// get through while a `session/prompt` runs) without losing their order where it matters:
/// `receive(line:)` runs in line order and does what must follow that order — registering a prompt,
/// carrying out a cancel, queueing a request behind the earlier ones on its session — and returns
/// the rest of the work, which the transport runs concurrently.
package final class ACPConnection: Sendable {
    let agent: ACPAgent
    private let sink: @Sendable (JSONValue) -> Void
    let prompts = RunningPrompts()
    let ordering = RequestOrdering()

    /// - Parameter send: writes one message; called from any thread, in order.
    package init(agent: ACPAgent, send: @escaping @Sendable (JSONValue) -> Void) {
        self.agent = agent
        self.sink = send
    }

    func send(_ message: JSONValue) { sink(message) }

    /// Takes one line (a JSON-RPC message) in arrival order; returns the work left to do, which
    /// ends once a request has been answered.
    package func receive(line: some Collection<UInt8>) -> @Sendable () async -> Void {
        receive(IncomingMessage(line: line))
    }

    /// Takes one decoded message; see `receive(line:)`.
    package func receive(_ message: JSONValue) -> @Sendable () async -> Void {
        receive(IncomingMessage(message))
    }

    /// Handles one line completely.
    package func handle(line: some Collection<UInt8>) async { await receive(line: line)() }

    /// Handles one decoded message completely.
    package func handle(_ message: JSONValue) async { await receive(message)() }

    private func receive(_ message: IncomingMessage) -> @Sendable () async -> Void {
        switch message {
        case .invalid(let id, let error):
            send(OutgoingMessage.error(id: id, error))
        case .response:
            agent.logger.debug("ignored a response: agentws sends no requests")
        case .notification(let method, let params):
            agent.notify(method, params, self)
        case .request(let id, let method, let params):
            let prompt = agent.registerPrompt(method, params, self)
            let context = RequestContext(id: id, connection: self, prompt: prompt)
            let session = agent.orderingKey(method, params, self)
            let ticket = session.map { ordering.ticket($0) }
            return { [self] in
                if let session, let ticket { await ordering.wait(session, ticket) }
                defer {
                    if let prompt { _ = prompts.end(prompt.token) }
                    if let session, let ticket { ordering.done(session, ticket) }
                }
                do {
                    let result = try await agent.call(method, params, context)
                    send(OutgoingMessage.result(id: id.json, result))
                } catch {
                    let rpc = JSONRPCError(error)
                    agent.logger.debug("\(method) failed: \(rpc.message)")
                    send(OutgoingMessage.error(id: id.json, rpc))
                }
            }
        }
        return {}
    }

    /// Answers a line the transport refused for its length; the transport then closes.
    package func refuseOversizedLine(limit: Int) {
        send(
            OutgoingMessage.error(
                id: .null,
                .invalidRequest(
                    "a message is longer than \(limit) bytes (or has no newline); closing the connection")))
    }

    /// The client's input ended: its running prompts are interrupted, since nobody waits for them.
    /// The sessions themselves stay warm in the agent, bindings untouched.
    package func closed() {
        for prompt in prompts.cancelAll() { agent.interrupt(prompt.thread, until: prompt.token, of: self) }
    }
}
