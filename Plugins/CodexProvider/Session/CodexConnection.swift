import AgentProcess
import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// One `codex app-server` process and the sessions attached to it, by codex thread id.
///
/// Codex tags everything about a thread with its `threadId`: turn and item notifications and its
/// approval requests. The connection hands each to the tracker of that thread's session, so one
/// process can serve any number of sessions (`process: shared`) or exactly one (`per-session`).
/// A message naming no thread (`configWarning`, …) goes to every attached session. When the process
/// ends, every attached session hears it: a running turn fails with the exit, an idle session
/// learns that its next turn needs a new process.
final class CodexConnection: Sendable {
    private struct State {
        var trackers: [String: TurnTracker] = [:]
        var end: ProcessEnd?
    }

    let peer: JSONRPCPeer
    /// The `CODEX_HOME` codex reported in its `initialize` answer.
    let codexHome: String?
    private let state: Locked<State>

    private init(peer: JSONRPCPeer, codexHome: String?, state: Locked<State>) {
        self.peer = peer
        self.codexHome = codexHome
        self.state = state
    }

    /// Launches codex as `plan` says and completes the handshake.
    static func launch(plan: LaunchPlan, options: CodexOptions, logPath: String, host: PluginHost)
        async throws(PluginError) -> CodexConnection
    {
        let state = Locked(State())
        let handlers = JSONRPCPeer.Handlers(
            notification: { method, params in
                for tracker in Self.trackers(for: params, in: state) { tracker.notification(method, params) }
            },
            request: { _, method, params in
                guard let thread = params["threadId"]?.stringValue,
                    let tracker = state.withLock({ $0.trackers[thread] })
                else {
                    let about = params["threadId"]?.stringValue.map { " about thread \($0)" } ?? ""
                    host.log(
                        .warning, "codex asked for \(method)\(about), which no live session has; refused")
                    return .error(
                        JSONRPCError(
                            code: JSONRPCError.Code.invalidRequest,
                            message: "agentws has no live session for this thread"))
                }
                return tracker.request(method, params)
            },
            ended: { end in
                let attached = state.withLock { state -> [TurnTracker] in
                    state.end = end
                    return Array(state.trackers.values)
                }
                for tracker in attached { tracker.ended(end) }
            })
        let (peer, home) = try await CodexSession.connect(
            plan: plan, options: options, logPath: logPath, host: host, handlers: handlers)
        return CodexConnection(peer: peer, codexHome: home, state: state)
    }

    /// The trackers a notification is for: its thread's, or all of them when it names none.
    private static func trackers(for params: JSONValue, in state: Locked<State>) -> [TurnTracker] {
        state.withLock { state in
            if let thread = params["threadId"]?.stringValue {
                return state.trackers[thread].map { [$0] } ?? []
            }
            return Array(state.trackers.values)
        }
    }

    /// Routes what codex says about `thread` to `tracker` from now on. When the process has ended
    /// already, the tracker hears that at once.
    func attach(_ tracker: TurnTracker, thread: String) {
        tracker.attach(thread: thread)
        let end = state.withLock { state -> ProcessEnd? in
            state.trackers[thread] = tracker
            return state.end
        }
        if let end { tracker.ended(end) }
    }

    /// Records that the process ended, as a request that failed for that reason found out, so that
    /// the next turn does not pick this connection before the reader thread has reported the end.
    func noteEnd(_ end: ProcessEnd) {
        state.withLock { state in
            if state.end == nil { state.end = end }
        }
    }

    /// Stops routing anything about `thread`.
    func detach(thread: String) {
        _ = state.withLock { $0.trackers.removeValue(forKey: thread) }
    }

    /// How the process ended, once it has.
    var end: ProcessEnd? { state.withLock { $0.end } }

    /// The process id, for messages.
    var pid: Int32 { peer.connection.process.pid }
}
