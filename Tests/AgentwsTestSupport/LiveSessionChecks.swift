import AgentwsCore
import AgentwsJSON

extension SessionStartRequest {
    /// The start of a session of `thread` in `cwd`, as the plugin session tests open them: fresh
    /// unless `resumeCursor` is given.
    package static func of(
        thread: String = "t1", cwd: String, model: String? = nil, runtimeMode: String? = nil,
        resumeCursor: JSONValue? = nil
    ) throws -> SessionStartRequest {
        SessionStartRequest(
            thread: try ThreadID(thread), cwd: cwd, model: model, runtimeMode: runtimeMode,
            resumeCursor: resumeCursor)
    }
}

/// What the live session of every plugin that keeps one agent process per conversation (codex,
/// claude) must do with a turn the loopback model mock holds (`[[hold]]`): be busy while it runs,
/// refuse a second message then (the agent would fold it into the turn or queue it behind), and end
/// it as cancelled on an interrupt, free for the next turn. The held turn must be the session's
/// first (the mock answers `mock#1: …`). Throws a `TestFailure` naming the step that went wrong.
package func checkOneTurnAtATime(_ session: any ProviderSession, events: Events) async throws {
    guard try await session.isBusy() == false else { throw TestFailure("busy before any turn") }
    let held = Task { try await session.send(TurnRequest(text: "keep going [[hold]]")) }
    try await waitUntil("the first piece of the reply; events: \(events.all)") {
        events.text.hasPrefix("mock#1:")
    }
    guard try await session.isBusy() == true else { throw TestFailure("not busy while a turn runs") }
    do {
        let second = try await session.send(TurnRequest(text: "and another thing"))
        throw TestFailure("a second message was taken while a turn ran: \(second)")
    } catch is ProviderError {
        // Refused, as it must be.
    }
    try await session.interrupt()
    let stopReason = try await held.value.stopReason
    guard stopReason == .cancelled else { throw TestFailure("the interrupted turn ended as \(stopReason)") }
    guard try await session.isBusy() == false else { throw TestFailure("still busy after the interrupt") }
}
