import AgentProcess
import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import Logging

/// How agentws starts plugin hosts.
package struct PluginHostSettings: Sendable {
    /// The program that serves the plugin: `agentws-plugin-host`, or agentws itself.
    package var executable: String
    /// Its arguments, the program name first: `["agentws-plugin-host"]`, `["agentws", "plugin-host"]`.
    package var arguments: [String]
    /// A call other than a turn left unanswered this long means the host is hung (`plugins.call_timeout`).
    package var callTimeout: Duration
    /// The environment of the host (the plugin sees it as its own).
    package var environment: [String: String]

    /// A host started as `executable plugin-host` (an agentws executable).
    package init(
        executable: String, arguments: [String] = ["agentws", "plugin-host"],
        callTimeout: Duration = .seconds(120),
        environment: [String: String] = PluginHostSettings.currentEnvironment()
    ) {
        self.executable = executable
        self.arguments = arguments
        self.callTimeout = callTimeout
        self.environment = environment
    }

    /// The name of the small host program installed beside `agentws`.
    package static let hostProgramName = "agentws-plugin-host"

    /// How the agentws executable at `agentws` starts hosts: with the `agentws-plugin-host` beside
    /// it when there is one (it links neither Foundation nor the command line, so it starts in about
    /// half the time), else as `agentws plugin-host`, which serves the same way.
    package static func forProgram(_ agentws: String, callTimeout: Duration = .seconds(120))
        -> PluginHostSettings
    {
        let helper = agentws.parentDirectory.appendingPathComponent(hostProgramName)
        if access(helper, X_OK) == 0 {
            return PluginHostSettings(
                executable: helper, arguments: [hostProgramName], callTimeout: callTimeout)
        }
        return PluginHostSettings(executable: agentws, callTimeout: callTimeout)
    }

    /// How this program starts hosts (`forProgram` of the running executable); nil when its path
    /// is unknown.
    package static func forThisProgram(callTimeout: Duration = .seconds(120)) -> PluginHostSettings? {
        guard case .success(let path) = SystemCalls.realPath("/proc/self/exe") else { return nil }
        return forProgram(path, callTimeout: callTimeout)
    }

    /// This process's environment.
    package static func currentEnvironment() -> [String: String] { ProgramLookup.hostEnvironment() }
}

/// One running `agentws plugin-host` child and the JSON-RPC peer over its standard streams.
///
/// When it ends — a signal, an exit, or killed for hanging — every request waiting on it fails with
/// a message naming the plugin and how the host died (signal name or exit status, and the last lines
/// of its standard error), and `ended` is told once.
final class PluginHost: Sendable {
    /// Where a host's relayed traffic goes, once it serves an instance.
    struct Handlers: Sendable {
        /// One event the plugin emitted, parsed; on the reader thread.
        var event: @Sendable (JSONValue) -> Void = { _ in }
        /// One log line of the plugin; on the reader thread.
        var log: @Sendable (Int32, String) -> Void = { _, _ in }
        /// How the host died, once, after the requests in flight have failed.
        var ended: @Sendable (String) -> Void = { _ in }
    }

    /// "plugin host of provider codex (plugin codex, /path)", for messages.
    let label: String
    private let peer: JSONRPCPeer
    /// How long a call other than a turn may take (`plugins.call_timeout`).
    private let callTimeout: Duration
    /// The handlers, once set, or how the host died before they were.
    private let attached: Locked<(handlers: Handlers?, endedBefore: String?)>
    /// Why agentws ended the host itself (it hung), so that its death is told as such.
    private let killedBecause = Locked<String?>(nil)
    /// How it died, once it did: the whole message, and what follows "died: ".
    private let death = Locked<(message: String, how: String)?>(nil)

    private init(
        label: String, peer: JSONRPCPeer, callTimeout: Duration,
        attached: Locked<(handlers: Handlers?, endedBefore: String?)>
    ) {
        self.label = label
        self.callTimeout = callTimeout
        self.peer = peer
        self.attached = attached
    }

    /// Starts a host, or makes `forked` (a copy of this process waiting to be one, `SparePluginHost`)
    /// the host. Its standard error goes to `logPath` (the last lines are quoted when it dies); its
    /// events, logs and death go to `handlers`.
    static func launch(
        label: String, purpose: String, logPath: String, settings: PluginHostSettings, logger: Logger,
        handlers: Handlers = Handlers(), forked: ChildProcess? = nil
    ) throws(ProviderError) -> PluginHost {
        let host = try spawn(
            label: label, purpose: purpose, logPath: logPath, settings: settings, logger: logger,
            forked: forked)
        host.attach(handlers)
        return host
    }

    /// Starts a host, or connects to `forked`, without handlers yet (`attach`).
    private static func spawn(
        label: String, purpose: String, logPath: String, settings: PluginHostSettings, logger: Logger,
        forked: ChildProcess? = nil
    ) throws(ProviderError) -> PluginHost {
        // A crash of the host is the plugin's: Swift's backtrace of the host would bury the plugin's
        // own last words in the quoted stderr tail. Whoever sets SWIFT_BACKTRACE keeps it.
        var environment = settings.environment
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        let command = ProcessCommand(
            executable: settings.executable, arguments: settings.arguments,
            environment: environment, directory: "/")
        // The host once made, or how it ended before it was (a death is recorded exactly once).
        let holder = Locked<(host: PluginHost?, end: ProcessEnd?)>((nil, nil))
        // Read for every event without going through the host (one lock, not two, per event).
        let attached = Locked<(handlers: Handlers?, endedBefore: String?)>((nil, nil))
        let configuration = JSONRPCPeer.Configuration(
            dialect: .standard, requestTimeout: settings.callTimeout, timeoutSetting: "plugins.call_timeout",
            strict: true, lineLimit: PluginHostProtocol.lineLimit)
        let handlers = JSONRPCPeer.Handlers(
            notification: { method, params in
                let handlers = attached.withLock { $0.handlers }
                switch method {
                case PluginHostProtocol.event:
                    if let value = params["event"] { handlers?.event(value) }
                case PluginHostProtocol.log:
                    let level = params["level"]?.integerValue.flatMap { Int32(exactly: $0) } ?? 1
                    handlers?.log(level, params["text"]?.stringValue ?? "")
                default:
                    let name = holder.withLock { $0.host }?.label ?? label
                    logger.warning("\(name) sent an unknown notification \(method); ignored")
                }
            },
            request: { _, method, _ in
                .error(JSONRPCError(code: JSONRPCError.Code.methodNotFound, message: "no method \(method)"))
            },
            ended: { end in
                let host = holder.withLock { holder -> PluginHost? in
                    if holder.host == nil { holder.end = end }
                    return holder.host
                }
                if let host { host.ended(host.recordDeath(end)) }
            })
        let peer: JSONRPCPeer
        do {
            let log: ProcessLog = { level, message in
                switch level {
                case .error: logger.error("\(message)")
                default: logger.warning("\(message)")
                }
            }
            if let forked {
                forked.rename(label)
                let connection = LineConnection.connect(
                    forked, started: "as a copy of agentws (forked)", purpose: purpose, logPath: logPath,
                    log: log, lineLimit: configuration.lineLimit)
                peer = try JSONRPCPeer.start(
                    connection, configuration: configuration, log: log, handlers: handlers)
            } else {
                peer = try JSONRPCPeer.launch(
                    command, name: label, purpose: purpose, logPath: logPath, configuration: configuration,
                    log: log, handlers: handlers)
            }
        } catch {
            throw ProviderError(.providerFailed, "cannot start the \(label): \(error)")
        }
        let host = PluginHost(label: label, peer: peer, callTimeout: settings.callTimeout, attached: attached)
        // The host may have died before `holder` was set: then its death is recorded now.
        let endedAlready = holder.withLock { holder -> ProcessEnd? in
            holder.host = host
            return holder.end
        }
        if let endedAlready { host.ended(host.recordDeath(endedAlready)) }
        return host
    }

    /// Sets where the host's events, logs and death go; a death before that is told now.
    private func attach(_ handlers: Handlers) {
        let endedBefore = attached.withLock { attached -> String? in
            attached.handlers = handlers
            defer { attached.endedBefore = nil }
            return attached.endedBefore
        }
        if let endedBefore { handlers.ended(endedBefore) }
    }

    private func ended(_ text: String) {
        let handlers = attached.withLock { attached -> Handlers? in
            if attached.handlers == nil { attached.endedBefore = attached.endedBefore ?? text }
            return attached.handlers
        }
        handlers?.ended(text)
    }

    /// How the host died, or nil while it runs.
    var deathReason: String? { death.withLock { $0?.message } }

    /// How the host died ("killed by SIGSEGV (…)" and its last stderr lines), or nil while it runs.
    var howItDied: String? { death.withLock { $0?.how } }

    /// Whether the host is running.
    var isRunning: Bool { deathReason == nil && !peer.hasEnded }

    private func recordDeath(_ end: ProcessEnd) -> String {
        var how = killedBecause.withLock { $0 } ?? Self.describe(end.status)
        let tail = end.stderrTail.filter { !$0.allSatisfy(\.isWhitespace) }.suffix(8)
        if !tail.isEmpty {
            how += "; its last stderr lines:\n" + tail.map { "  " + $0 }.joined(separator: "\n")
        }
        if let logPath = end.logPath { how += "\n(full log: \(logPath))" }
        let text = "the \(label) died: \(how)"
        death.withLock { $0 = $0 ?? (text, how) }
        return text
    }

    /// "killed by signal SIGSEGV (Segmentation fault)", "exited with status 3".
    static func describe(_ status: ExitStatus) -> String {
        switch status {
        case .exited(let code): return "exited with status \(code)"
        case .signalled(let signal):
            let name = signalNames[signal].map { "SIG" + $0 } ?? "signal \(signal)"
            let text = strsignal(signal).map { String(cString: $0) } ?? ""
            return "killed by \(name) (\(text))"
        case .unknown: return "ended with an unknown status"
        }
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGILL: "ILL", SIGTRAP: "TRAP", SIGABRT: "ABRT",
        SIGBUS: "BUS", SIGFPE: "FPE", SIGKILL: "KILL", SIGUSR1: "USR1", SIGSEGV: "SEGV", SIGUSR2: "USR2",
        SIGPIPE: "PIPE", SIGALRM: "ALRM", SIGTERM: "TERM", SIGSYS: "SYS", SIGXCPU: "XCPU", SIGXFSZ: "XFSZ",
    ]

    /// Sends a request and waits for its answer. A turn (`untimed`) has no time limit; anything else
    /// unanswered within `plugins.call_timeout` means the host hung: it is killed, and this and
    /// every other request in flight fail saying so.
    ///
    /// What `send(...).answer()` does, without the stream `send` keeps the answer in: this is the
    /// path of every call of a warm turn.
    func request(_ method: String, _ params: JSONValue, untimed: Bool = false) async throws(ProviderError)
        -> JSONValue
    {
        if let death = deathReason { throw ProviderError(.providerFailed, death) }
        let (timeout, setting) = limit(untimed: untimed)
        let reply = await withCheckedContinuation { continuation in
            peer.send(method, params, timeout: timeout, timeoutSetting: setting) {
                continuation.resume(returning: $0)
            }
        }
        return try await interpret(reply, method, params).get()
    }

    /// The time limit of a request, and the setting that chose it.
    private func limit(untimed: Bool) -> (Duration, String?) {
        untimed
            ? (.seconds(86_400 * 366), nil) : (callTimeout, "plugins.call_timeout")
    }

    /// A request written to the host, whose answer is waited for later (`answer`).
    struct Sent: Sendable {
        fileprivate enum State: Sendable {
            /// Not written: the host had died.
            case refused(ProviderError)
            /// Written; the reply comes through the slot, once.
            case written(ReplySlot)
        }
        fileprivate let host: PluginHost
        fileprivate let method: String
        fileprivate let params: JSONValue
        fileprivate let state: State

        /// The answer, as `request` gives it.
        func answer() async throws(ProviderError) -> JSONValue {
            switch state {
            case .refused(let error):
                throw error
            case .written(let slot):
                return try await host.interpret(await slot.reply(), method, params).get()
            }
        }
    }

    /// Writes a request now and returns it, to wait for its answer later: requests sent one after
    /// the other reach the host in that order, and the host handles them in that order, so a request
    /// can follow another without waiting for its answer.
    func send(_ method: String, _ params: JSONValue, untimed: Bool = false) -> Sent {
        if let death = deathReason {
            return Sent(
                host: self, method: method, params: params,
                state: .refused(ProviderError(.providerFailed, death)))
        }
        let slot = ReplySlot()
        let (timeout, setting) = limit(untimed: untimed)
        peer.send(method, params, timeout: timeout, timeoutSetting: setting) { slot.give($0) }
        return Sent(host: self, method: method, params: params, state: .written(slot))
    }

    /// What a reply means to the caller; a request that timed out kills the host.
    fileprivate func interpret(
        _ reply: Result<JSONValue, JSONRPCFailure>, _ method: String, _ params: JSONValue
    )
        async -> Result<JSONValue, ProviderError>
    {
        let error: JSONRPCFailure
        switch reply {
        case .success(let value): return .success(value)
        case .failure(let failure): error = failure
        }
        switch error.reason {
        case .timedOut(let limit, _):
            let how =
                "hung: it did not answer \(describe(method, params)) within \(limit.seconds) s "
                + "(plugins.call_timeout), so agentws killed it"
            killedBecause.withLock { $0 = $0 ?? how }
            peer.connection.process.signalGroup(SIGKILL)
            _ = await peer.waitUntilEnded(atMost: .seconds(5))
            return .failure(ProviderError(.providerFailed, deathReason ?? "the \(label) \(how)"))
        case .error(let object):
            let code = object.data?["code"]?.stringValue.flatMap(ProviderErrorCode.init(rawValue:))
            return .failure(ProviderError(code ?? .providerFailed, object.message))
        case .ended, .violation:
            _ = await peer.waitUntilEnded(atMost: .seconds(5))
            return .failure(ProviderError(.providerFailed, deathReason ?? "\(label): \(error)"))
        default:
            return .failure(ProviderError(.providerFailed, "\(label): \(error)"))
        }
    }

    private func describe(_ method: String, _ params: JSONValue) -> String {
        if method == PluginHostProtocol.call, let inner = params["method"]?.stringValue {
            return "the call \(inner)"
        }
        return method
    }

    /// Ends the host: end of input (`closing` first, so that the host leaves its standard error to
    /// this process), which it answers by destroying its instance and exiting; then SIGTERM and
    /// SIGKILL after `grace` each.
    func terminate(grace: Duration = .seconds(3)) async {
        // Unwritable means the host is gone already; the termination below finds that out.
        try? peer.notify(PluginHostProtocol.closing)
        await peer.terminate(grace: grace)
    }

    /// Closes the host's input without waiting: it destroys its instance, if any, and exits.
    func release() {
        peer.connection.process.closeInput()
    }

    /// Kills the host at once (a probe that must not linger).
    func kill() {
        peer.connection.process.signalGroup(SIGKILL)
    }
}
