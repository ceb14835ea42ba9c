import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import Logging

/// A plugin channel to an instance living in a plugin host.
final class IsolatedChannel: PluginChannel {
    let plugin: LoadedPlugin
    let name: String
    let router: PluginEventRouter
    let host: PluginHost
    /// The instance's first `describe`, sent right behind `create` (`IsolatedProvider`), for the
    /// first caller that asks.
    private let firstDescribe: Locked<PluginHost.Sent?>

    init(
        plugin: LoadedPlugin, name: String, router: PluginEventRouter, host: PluginHost,
        firstDescribe: PluginHost.Sent?
    ) {
        self.plugin = plugin
        self.name = name
        self.router = router
        self.host = host
        self.firstDescribe = Locked(firstDescribe)
    }

    func reply(_ method: String, _ params: JSONValue) async throws(ProviderError) -> CallReply {
        // A session whose host died has ended with it; stopping it has nothing left to do.
        if method == "stop", !host.isRunning { return .success([:]) }
        let sent =
            method == "describe"
            ? firstDescribe.withLock { sent in
                defer { sent = nil }; return sent
            } : nil
        let answer: JSONValue
        if let sent {
            answer = try await sent.answer()
        } else {
            answer = try await host.request(
                PluginHostProtocol.call, ["method": .string(method), "params": params],
                untimed: method == "send")
        }
        guard let reply = CallReply(json: answer) else {
            return .malformed("was relayed by its plugin host as \(ReplyFields.excerpt(answer))")
        }
        return reply
    }
}

/// A provider instance served by a plugin in a child `agentws plugin-host` (`plugins.isolation:
/// process`): the same method protocol as `PluginProvider`, relayed.
///
/// The host starts on the first call. When it dies, the calls in flight fail naming the plugin and
/// how it died, the live sessions of this instance are ended with that reason (their bindings and
/// cursors stay), and the next call starts a new host. A host that dies while the instance is being
/// created counts as a crash at start: the next attempts wait 1 s, 2 s, 4 s, … (at most 5 minutes),
/// and are refused with the last reason meanwhile, so a plugin that always crashes is never
/// restarted in a loop.
package final class IsolatedProvider: Provider {
    package let name: String
    /// The plugin as discovery found it (it was not necessarily mapped into this process).
    package let plugin: LoadedPlugin
    private let configuration: PluginProviderConfiguration
    private let settings: PluginHostSettings
    private let logger: Logger
    private let supervisor: Supervisor
    private let marksItsRuns: Bool

    /// - Parameter marksItsRuns: whether a created instance leaves the marker a one-shot send reads
    ///   to decide on a spare host (`SparePluginHost.markerPath`); not for instances isolated only
    ///   for a check (`providers`, `doctor`, `plugin check`), which say nothing of how they run.
    package init(
        plugin: LoadedPlugin, configuration: PluginProviderConfiguration, settings: PluginHostSettings,
        logger: Logger, marksItsRuns: Bool = true
    ) {
        self.marksItsRuns = marksItsRuns
        self.name = configuration.instanceName
        self.plugin = plugin
        self.configuration = configuration
        self.settings = settings
        self.logger = HostedInstance.logger(logger, plugin: plugin, instance: configuration.instanceName)
        self.supervisor = Supervisor()
    }

    /// The host's label: "plugin host of provider x (plugin y)".
    var hostLabel: String { "plugin host of provider \(name) (plugin \(plugin.name))" }

    /// The provider over the running host, starting one if there is none.
    func current() async throws(ProviderError) -> PluginProvider {
        try await supervisor.current { () throws(LaunchFailure) in try await self.launch() }
    }

    /// Why no host could serve the instance; `crashed`: the host died while it was being created.
    struct LaunchFailure: Error {
        let error: ProviderError
        let crashed: Bool
    }

    /// Starts a host and creates the instance in it.
    private func launch() async throws(LaunchFailure) -> (PluginProvider, PluginHost) {
        do {
            return try await launchHost()
        } catch {
            throw LaunchFailure(
                error: error, crashed: error.code == .providerFailed && crashedAtStart.withLock { $0 })
        }
    }

    /// Set when the last host died during `create`.
    private let crashedAtStart = Locked(false)

    private func launchHost() async throws(ProviderError) -> (PluginProvider, PluginHost) {
        crashedAtStart.withLock { $0 = false }
        try configuration.prepare()
        let router = PluginEventRouter(label: plugin.label, logger: logger)
        let logPath = configuration.stateDirectory.appendingPathComponent("plugin-host.log")
        let handlers = PluginHost.Handlers(
            event: { router.receive($0) }, log: { router.log(level: $0, text: $1) },
            ended: { [logger] reason in
                logger.info("\(reason)")
                router.endAll(reason: reason + "; the session was stopped (its binding and cursor are kept)")
            })
        let host = try PluginHost.launch(
            label: hostLabel, purpose: "provider \(name)", logPath: logPath, settings: settings,
            logger: logger, handlers: handlers,
            forked: SparePluginHost.take(matching: settings, pluginPath: plugin.path))
        let create = host.send(
            PluginHostProtocol.create,
            [
                "path": .string(plugin.path), "directory": .string(plugin.directory),
                "configuration": PluginHostProtocol.configuration(configuration),
                "stderrLog": ["path": .string(logPath), "name": .string(hostLabel)],
            ])
        // What agentws asks a new instance first is its describe: written right behind create (the
        // host handles requests in order, so it reaches the instance after create), it is answered
        // without a round trip of its own. Its answer, or failure, is the first describe's.
        let describe = host.send(PluginHostProtocol.call, ["method": "describe", "params": [:]])
        let answer: JSONValue
        do {
            answer = try await create.answer()
        } catch {
            if host.deathReason != nil { crashedAtStart.withLock { $0 = true } }
            await host.terminate()
            throw error
        }
        guard let created = PluginHostProtocol.plugin(from: answer) else {
            await host.terminate()
            throw ProviderError(
                .providerFailed, "the \(hostLabel) answered create with \(ReplyFields.excerpt(answer))")
        }
        do {
            try plugin.checkSameName(as: created)
        } catch {
            await host.terminate()
            throw error
        }
        // For the next one-shot send, which decides before reading the configuration whether a
        // spare host is worth starting (SparePluginHost).
        if marksItsRuns {
            SparePluginHost.mark(stateDirectory: configuration.stateDirectory, plugin: plugin)
        }
        let channel = IsolatedChannel(
            plugin: created, name: name, router: router, host: host, firstDescribe: describe)
        return (PluginProvider(channel: channel), host)
    }

    package func describe() async throws(ProviderError) -> ProviderCapabilities {
        try await current().describe()
    }

    package func start(_ request: SessionStartRequest, events: @escaping ProviderEventHandler)
        async throws(ProviderError) -> any ProviderSession
    {
        try await current().start(request, events: events)
    }

    package func exportTranscript(_ request: TranscriptExportRequest) async throws(ProviderError)
        -> TranscriptExportResult
    {
        try await current().exportTranscript(request)
    }

    package func importTranscript(_ request: TranscriptImportRequest) async throws(ProviderError) -> JSONValue
    {
        try await current().importTranscript(request)
    }

    package func fork(_ request: ForkRequest) async throws(ProviderError) -> JSONValue {
        try await current().fork(request)
    }

    /// Starts the host and creates the instance now, without waiting, so that it is ready when the
    /// first call comes (a one-shot command starts it while it reads its thread). What goes wrong is
    /// told to that first call, as if it had started the host itself.
    package func prepare() async {
        await supervisor.prepare { () throws(LaunchFailure) in try await self.launch() }
    }

    /// Ends the running host, if any (its instance is destroyed there).
    package func shutdown() async {
        await supervisor.shutdown()
    }

    /// Which host serves the instance, and the crash-at-start backoff.
    ///
    /// One launch at a time: callers arriving while a host is being started and created wait for
    /// that launch instead of starting a second host. A launch begun by `prepare` (before anyone
    /// called) hands its failure to the first caller as that caller's own, so an early start changes
    /// nothing in what a command reports.
    actor Supervisor {
        typealias Launch = @Sendable () async throws(LaunchFailure) -> (PluginProvider, PluginHost)

        private var running: (provider: PluginProvider, host: PluginHost)?
        private var launching: Task<Result<PluginProvider, ProviderError>, Never>?
        /// Whether the running launch was begun by `prepare` and nobody has waited for it yet.
        private var awaitingClaim = false
        /// The failure of a launch `prepare` began that nobody waited for, for the next caller.
        private var unclaimedFailure: ProviderError?
        private var crashesAtStart = 0
        private var retryAfter: ContinuousClock.Instant?
        private var lastCrash: String?

        static let longestBackoff: Duration = .seconds(300)

        func current(_ launch: @escaping Launch) async throws(ProviderError) -> PluginProvider {
            if let running, running.host.isRunning { return running.provider }
            if let launching {
                awaitingClaim = false
                return try await launching.value.get()
            }
            if let failure = unclaimedFailure {
                unclaimedFailure = nil
                throw failure
            }
            running = nil
            if let retryAfter, ContinuousClock.now < retryAfter, let lastCrash {
                let wait = retryAfter - ContinuousClock.now
                throw ProviderError(
                    .providerFailed,
                    "\(lastCrash)\nIt crashed while starting \(crashesAtStart) time\(crashesAtStart == 1 ? "" : "s") "
                        + "in a row; agentws tries again in \(Int((wait / .seconds(1)).rounded(.up))) s.")
            }
            return try await begin(launch).value.get()
        }

        /// Starts a host now unless one runs, is starting, or is being backed off from.
        func prepare(_ launch: @escaping Launch) {
            if let running, running.host.isRunning { return }
            guard launching == nil, unclaimedFailure == nil else { return }
            if let retryAfter, ContinuousClock.now < retryAfter { return }
            _ = begin(launch)
            awaitingClaim = true
        }

        private func begin(_ launch: @escaping Launch) -> Task<Result<PluginProvider, ProviderError>, Never> {
            running = nil
            let task = Task { () -> Result<PluginProvider, ProviderError> in
                do throws(LaunchFailure) {
                    let launched = try await launch()
                    self.launched(launched)
                    return .success(launched.0)
                } catch {
                    self.failed(error)
                    if self.awaitingClaim { self.unclaimedFailure = error.error }
                    self.awaitingClaim = false
                    return .failure(error.error)
                }
            }
            launching = task
            return task
        }

        private func launched(_ launched: (PluginProvider, PluginHost)) {
            running = launched
            launching = nil
            awaitingClaim = false
            crashesAtStart = 0
            retryAfter = nil
            lastCrash = nil
        }

        private func failed(_ failure: LaunchFailure) {
            launching = nil
            // Only a host that died counts as a crash; a refusal or a failed create is an answer.
            guard failure.crashed else { return }
            crashesAtStart += 1
            lastCrash = failure.error.message
            let seconds = min(1 << min(crashesAtStart - 1, 16), 300)
            retryAfter = ContinuousClock.now + .seconds(seconds)
        }

        func shutdown() async {
            if let launching { _ = await launching.value }
            guard let running else { return }
            self.running = nil
            await running.host.terminate()
        }
    }
}
