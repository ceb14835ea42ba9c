import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// The provider the dispatch tests export through ProviderKit: each behaviour is chosen by the
/// configuration or the message, so that every path of the kit can be driven from a test.
actor ProbePlugin: ProviderPlugin {
    static let name = "probe"
    static let version = "0.0.1-test"

    /// An error that is not a `PluginError`.
    struct Breakdown: Error, CustomStringConvertible {
        var description: String { "the probe broke down" }
    }

    private let configuration: PluginConfiguration
    private let host: PluginHost

    init(configuration: PluginConfiguration, host: PluginHost) throws {
        if configuration.options["refuse"] == true {
            throw PluginError(code: .invalidRequest, message: "the probe refuses option refuse")
        }
        if configuration.options["break"] == true { throw Breakdown() }
        self.configuration = configuration
        self.host = host
        host.log(.info, "probe created for \(configuration.instanceName)")
    }

    func describe() async throws -> PluginCapabilities {
        PluginCapabilities(modelSwitch: .restart, models: ["probe-1"], canResume: false)
    }

    /// Answers with everything it was given, so a test can see how the kit parsed it.
    func start(_ request: StartRequest) async throws -> StartResult {
        let seen: JSONValue = [
            "instance": .string(configuration.instanceName),
            "options": .object(configuration.options),
            "workspace": .string(configuration.workspace),
            "stateDirectory": .string(configuration.stateDirectory),
            "thread": .string(request.thread),
            "cwd": .string(request.cwd),
            "model": .optional(request.model),
            "runtimeMode": .optional(request.runtimeMode),
            "resumeCursor": request.resumeCursor ?? .null,
        ]
        return StartResult(
            session: "probe-\(request.thread)", cursor: seen, resumed: request.resumeCursor != nil)
    }

    /// Emits one event of each kind, then ends as the message says.
    func send(_ request: PluginTurnRequest) async throws -> PluginTurnResult {
        host.emit(.text("you said: "), session: request.session)
        host.emit(.notice("a notice"), session: request.session)
        host.emit(.toolCall(["id": "t1", "title": "look", "status": "completed"]), session: request.session)
        host.emit(.busy(true), session: request.session)
        host.emit(.text(request.text), session: request.session)
        switch request.text {
        case "plugin error": throw PluginError(code: .resumeFailed, message: "conversation c9 is gone")
        case "other error": throw Breakdown()
        case "cancel": return PluginTurnResult(stopReason: .cancelled, cursor: ["moved": true])
        default: return PluginTurnResult(stopReason: .endTurn)
        }
    }

    func interrupt(session: String) async throws {
        if session != "probe-t1" { throw PluginError(code: .notFound, message: "no session \(session)") }
    }

    func status(session: String) async throws -> SessionStatus {
        SessionStatus(busy: session == "probe-t1")
    }

    func stop(session: String) async throws {}

    /// Tries to reach the host after destroy (which must be dropped), then says it is done.
    func shutdown() async {
        host.emit(.notice("after destroy"), session: "probe-t1")
        host.log(.error, "after destroy")
        ShutdownLog.record(configuration.instanceName)
    }
}

/// Which probe instances have shut down, by instance name, for tests to wait on.
enum ShutdownLog {
    private struct State {
        var done: Set<String> = []
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    }
    private static let state = Locked(State())

    static func record(_ instance: String) {
        let waiters = state.withLock { state in
            state.done.insert(instance)
            return state.waiters.removeValue(forKey: instance) ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `instance` has shut down.
    static func waitFor(_ instance: String) async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.done.contains(instance) { return true }
                state.waiters[instance, default: []].append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
