import AgentPluginSupport
import AgentProcess
import ProviderKit

/// Where the sessions of one provider instance get their `codex app-server` from
/// (`options.process`, docs/providers/codex.md).
///
/// - `shared`: one process for every live session. It starts with the first session, is reused by
///   every session that starts while it runs, and ends `process_linger_ms` after the last session
///   let go of it (a session starting meanwhile keeps it). A process that died is replaced by the
///   next session that asks.
/// - `per-session`: a new process for each session, ended when the session lets go of it.
actor AppServers {
    private let options: CodexOptions
    private let agent: AgentInstance
    private let host: PluginHost

    /// The shared process, while it runs.
    private var current: CodexConnection?
    /// How many sessions use `current`.
    private var users = 0
    /// The start of the shared process, while it starts: sessions starting meanwhile wait for it.
    private var starting: Task<Result<CodexConnection, PluginError>, Never>?
    /// The pending end of an unused shared process.
    private var lingering: Task<Void, Never>?
    private var closed = false

    init(options: CodexOptions, agent: AgentInstance, host: PluginHost) {
        self.options = options
        self.agent = agent
        self.host = host
        isShared = options.process == .shared
    }

    /// Whether sessions share one process.
    nonisolated let isShared: Bool

    /// A process for a session in `cwd` (a per-session process runs there; the shared one runs in
    /// the workspace, and each thread gets its cwd on `thread/start` and `turn/start`).
    func acquire(cwd: String, purpose: String) async throws(PluginError) -> CodexConnection {
        guard !closed else {
            throw PluginError(code: .providerFailed, message: "provider \"\(agent.name)\" is shutting down")
        }
        guard isShared else {
            return try await launch(directory: cwd, purpose: purpose)
        }
        lingering?.cancel()
        lingering = nil
        if let current, current.end == nil {
            users += 1
            return current
        }
        let start: Task<Result<CodexConnection, PluginError>, Never>
        if let starting {
            start = starting
        } else {
            start = Task { [self] in
                do throws(PluginError) {
                    return .success(
                        try await launch(
                            directory: agent.workspace,
                            purpose: "the sessions of provider \(agent.name) (shared)"))
                } catch {
                    return .failure(error)
                }
            }
            starting = start
        }
        let result = await start.value
        if starting == start {
            starting = nil
            if case .success(let started) = result {
                current = started
                users = 0
            }
        }
        let connection = try result.get()
        guard current === connection, !closed else {
            // Shut down while it started; nothing else will end it.
            if closed { await connection.peer.terminate(grace: options.stopGrace) }
            throw PluginError(code: .providerFailed, message: "provider \"\(agent.name)\" is shutting down")
        }
        users += 1
        host.log(.info, "codex (pid \(connection.pid)) serves \(users) session(s) of provider \(agent.name)")
        return connection
    }

    /// The shared process if one runs now (serving sessions or lingering after the last one),
    /// counted as a user until `release`: an export, which needs an app-server only for one
    /// `thread/read`, borrows it instead of starting one of its own. Nil with `per-session`, while
    /// the shared process is still starting, or when none runs.
    func borrowRunning() -> CodexConnection? {
        guard isShared, !closed, let current, current.end == nil else { return nil }
        lingering?.cancel()
        lingering = nil
        users += 1
        return current
    }

    /// A session is done with `connection`. A per-session process ends now; the shared one when
    /// no session has used it for `process_linger_ms`.
    func release(_ connection: CodexConnection) async {
        guard isShared else {
            await connection.peer.terminate(grace: options.stopGrace)
            return
        }
        // A process that died and was replaced is no longer counted.
        guard connection === current else { return }
        users = max(0, users - 1)
        guard users == 0 else { return }
        let linger = options.processLinger
        lingering?.cancel()
        lingering = Task { [self] in
            if linger > .zero {
                do { try await Task.sleep(for: linger) } catch { return }
            }
            await endIfUnused(connection)
        }
    }

    private func endIfUnused(_ connection: CodexConnection) async {
        guard connection === current, users == 0 else { return }
        current = nil
        lingering = nil
        host.log(.info, "codex (pid \(connection.pid)) has served its last session; ending it")
        await connection.peer.terminate(grace: options.stopGrace)
    }

    /// Ends the shared process now (the instance is being destroyed; its sessions are stopped).
    func shutdown() async {
        closed = true
        lingering?.cancel()
        lingering = nil
        if let current {
            self.current = nil
            await current.peer.terminate(grace: options.stopGrace)
        }
    }

    private func launch(directory: String, purpose: String) async throws(PluginError) -> CodexConnection {
        let plan = try LaunchPlan(options: options, agent: agent, directory: directory, purpose: purpose)
        return try await CodexConnection.launch(
            plan: plan, options: options, logPath: agent.logPath, host: host)
    }
}
