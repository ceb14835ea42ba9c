import AgentProcess
import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import Logging

/// The child side of plugin isolation: what `agentws plugin-host` runs. It loads plugins with the
/// same loader (same checks, same refusals, same messages) and relays the ABI's calls, completions,
/// events and logs to the agentws that started it (`PluginHostProtocol`).
///
/// The protocol stays on private copies of the standard input and output; the plugin's own standard
/// input becomes /dev/null and its standard output goes to standard error, so a `printf` in a plugin
/// cannot corrupt the protocol, and ends up in the provider's plugin-host log with the rest of its
/// diagnostics. Requests are read and answered on the main thread; completions and events arrive on
/// any thread and are written whole, one line at a time.
package final class PluginHostServer: Sendable {
    private let input: Int32
    private let output: Locked<Int32>
    private let logger: Logger
    /// The instance this host serves, once created (one per host).
    private let instance = Locked<HostedInstance?>(nil)
    /// Whether agentws said it closes the input and goes on reading the host's standard error.
    private let closingAnnounced = Locked(false)
    /// The log agentws keeps of this host's standard error (`create`'s `stderrLog`).
    private let stderrLog = Locked<(path: String, name: String)?>(nil)
    /// Set once agentws is known to have gone: nothing more is written to it, and the plugin's log
    /// lines go to standard error.
    private let agentwsGone = Locked(false)

    private init(input: Int32, output: Int32, logger: Logger) {
        self.input = input
        self.output = Locked(output)
        self.logger = logger
    }

    /// The whole `agentws-plugin-host` program: logs to standard error at `AGENTWS_LOG_LEVEL`
    /// (`warning` unless set), as the agentws command line does, then `run`.
    package static func main() -> Int32 {
        bootstrapLogging()
        return run()
    }

    /// What a copy of agentws forked to be a plugin host runs (`SparePluginHost`): what `main` does,
    /// in the environment a started host gets (`PluginHost.spawn`), shown in `ps` as the host, with
    /// `plugin` mapped ahead of the first request.
    package static func mainOfForkedCopy(mappingAhead plugin: MarkedPlugin?) -> Int32 {
        ProcessTitle.set(PluginHostSettings.hostProgramName)
        if getenv("SWIFT_BACKTRACE") == nil { setenv("SWIFT_BACKTRACE", "enable=no", 1) }
        bootstrapLogging()
        return run(mappingAhead: plugin)
    }

    private static func bootstrapLogging() {
        let requested = getenv("AGENTWS_LOG_LEVEL").flatMap {
            Logger.Level(rawValue: String(cString: $0).lowercased())
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = requested ?? .warning
            return handler
        }
    }

    /// Serves the process's standard input and output until agentws closes the input; returns the
    /// exit status for the process.
    package static func run(
        mappingAhead plugin: MarkedPlugin? = nil, logger: Logger = Logger(label: "agentws.plugin-host")
    ) -> Int32 {
        // Ignored: a write to a closed pipe is an error here, never a silent death.
        signal(SIGPIPE, SIG_IGN)
        let input = fcntl(0, F_DUPFD_CLOEXEC, 3)
        let output = fcntl(1, F_DUPFD_CLOEXEC, 3)
        guard input >= 0, output >= 0 else {
            logger.error("plugin host: cannot set up its protocol streams: \(SystemError("dup"))")
            return 1
        }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null >= 0 {
            dup2(null, 0)
            close(null)
        }
        dup2(2, 1)
        // After the streams: what the plugin's constructors write goes to standard error.
        plugin?.mapAhead(logger: logger)
        let server = PluginHostServer(input: input, output: output, logger: logger)
        server.serve()
        let alone = server.goOnAloneIfLeft()
        // Destroys the instance (its plugin may have child processes to end) before the exit.
        server.instance.withLock { $0 = nil }
        alone?.finish()
        return 0
    }

    private func serve() {
        var splitter = LineSplitter(limit: PluginHostProtocol.lineLimit)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            let lines = buffer.withUnsafeBytes {
                splitter.append(UnsafeRawBufferPointer(rebasing: $0[0..<count]))
            }
            for line in lines { handle(line) }
        }
    }

    /// After the input ended: when agentws did not announce it (`closing`), it has gone, and the
    /// host logs its standard error itself from now on (`PluginHostLeftAlone`).
    private func goOnAloneIfLeft() -> PluginHostLeftAlone? {
        guard !closingAnnounced.withLock({ $0 }) else { return nil }
        agentwsGone.withLock { $0 = true }
        guard let log = stderrLog.withLock({ $0 }) else { return nil }
        return PluginHostLeftAlone.begin(path: log.path, name: log.name)
    }

    private func handle(_ line: [UInt8]) {
        let message = try? JSONParser.parse(bytes: line)
        if message?["id"] == nil, message?["method"]?.stringValue == PluginHostProtocol.closing {
            closingAnnounced.withLock { $0 = true }
            return
        }
        guard let message, let id = message["id"],
            let method = message["method"]?.stringValue
        else {
            logger.error("plugin host: agentws sent a line that is not a request; ignored")
            return
        }
        let params = message["params"] ?? [:]
        switch method {
        case PluginHostProtocol.probe:
            answer(id, probe(params))
        case PluginHostProtocol.create:
            answer(id, create(params))
        case PluginHostProtocol.call:
            guard let instance = instance.withLock({ $0 }), let name = params["method"]?.stringValue else {
                answer(id, .failure(ProviderError(.providerFailed, "plugin host: call before create")))
                return
            }
            instance.call(name, params["params"] ?? [:]) { reply in
                self.answer(id, .success(reply.json))
            }
        default:
            answer(id, .failure(ProviderError(.invalidRequest, "plugin host: unknown method \(method)")))
        }
    }

    private func probe(_ params: JSONValue) -> Result<JSONValue, ProviderError> {
        guard let path = params["path"]?.stringValue, let directory = params["directory"]?.stringValue else {
            return .failure(ProviderError(.invalidRequest, "plugin host: probe needs path and directory"))
        }
        do {
            return .success(
                PluginHostProtocol.identity(
                    try PluginLoader.load(path: path, directory: directory, logger: logger)))
        } catch {
            return .success(["refused": .string(error.reason.description)])
        }
    }

    private func create(_ params: JSONValue) -> Result<JSONValue, ProviderError> {
        guard let path = params["path"]?.stringValue, let directory = params["directory"]?.stringValue,
            let configuration = params["configuration"].flatMap(PluginHostProtocol.configuration(from:))
        else {
            return .failure(
                ProviderError(.invalidRequest, "plugin host: create needs path, directory, configuration"))
        }
        guard instance.withLock({ $0 == nil }) else {
            return .failure(ProviderError(.invalidRequest, "plugin host: an instance exists already"))
        }
        if let log = params["stderrLog"], let path = log["path"]?.stringValue,
            let name = log["name"]?.stringValue
        {
            stderrLog.withLock { $0 = (path, name) }
        }
        let plugin: LoadedPlugin
        do {
            plugin = try PluginLoader.load(path: path, directory: directory, logger: logger)
        } catch {
            return .failure(ProviderError(.providerFailed, error.description))
        }
        let logger = HostedInstance.logger(logger, plugin: plugin, instance: configuration.instanceName)
        let router = PluginEventRouter(label: plugin.label, logger: logger)
        let target = CallbackTarget(
            event: { [self] json, length in relayEvent(json, length, plugin: plugin, router: router) },
            log: { [self] level, message, length in
                // With agentws gone the line goes where the host's own logging goes: its log file.
                if agentwsGone.withLock({ $0 }) {
                    router.log(level: level, message: message, length: length)
                    return
                }
                let text = message.map {
                    String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self)
                }
                notify(
                    PluginHostProtocol.log, ["level": .integer(Int64(level)), "text": .string(text ?? "")])
            })
        do {
            let created = try HostedInstance(
                plugin: plugin, configuration: configuration, logger: logger, router: router, target: target)
            instance.withLock { $0 = created }
            return .success(PluginHostProtocol.identity(plugin))
        } catch {
            return .failure(error)
        }
    }

    /// Relays one `emit_event`, parsed here so that only JSON reaches agentws; an event over the
    /// limit is dropped with a log line naming the plugin.
    private func relayEvent(
        _ json: UnsafePointer<CChar>?, _ length: Int, plugin: LoadedPlugin, router: PluginEventRouter
    ) {
        guard length <= PluginHostProtocol.eventLimit else {
            notify(
                PluginHostProtocol.log,
                [
                    "level": .integer(3),
                    "text": .string(
                        "\(plugin.label) emitted an event of \(length) bytes; events are limited to "
                            + "\(PluginHostProtocol.eventLimit) bytes under plugin isolation; dropped"),
                ])
            return
        }
        guard let json, let event = router.parseEvent(json: json, length: length) else { return }
        let bytes = UnsafeRawBufferPointer(start: json, count: length)
        // Valid JSON without a line break (the usual compact form) goes on as the plugin wrote it;
        // anything else is written again, compact, so that it stays on one line.
        guard !bytes.contains(UInt8(ascii: "\n")), !bytes.contains(UInt8(ascii: "\r")) else {
            notify(PluginHostProtocol.event, ["event": event])
            return
        }
        writeLine(Self.eventPrefix + Array(bytes) + Self.eventSuffix)
    }

    private static let eventPrefix = Array(#"{"jsonrpc":"2.0","method":"event","params":{"event":"#.utf8)
    private static let eventSuffix = Array("}}\n".utf8)

    // MARK: writing

    private func answer(_ id: JSONValue, _ result: Result<JSONValue, ProviderError>) {
        switch result {
        case .success(let value):
            write(["jsonrpc": "2.0", "id": id, "result": value])
        case .failure(let error):
            write([
                "jsonrpc": "2.0", "id": id,
                "error": JSONRPCError(
                    code: JSONRPCError.Code.internalError, message: error.message,
                    data: ["code": .string(error.code.rawValue)]
                ).json,
            ])
        }
    }

    private func notify(_ method: String, _ params: JSONValue) {
        write(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// Writes one message as one line; a message is never interleaved with another. When agentws
    /// is gone there is nobody to serve: nothing more is written, and the input is shut so that the
    /// host destroys its instance and exits as when agentws has closed it (or, when the input is not
    /// a socket, the host exits at once).
    private func write(_ message: JSONValue) {
        writeLine(JSONWriter.compact(message) + [UInt8(ascii: "\n")])
    }

    /// Writes `bytes`, one whole line ending in a newline.
    private func writeLine(_ bytes: [UInt8]) {
        output.withLock { descriptor in
            guard descriptor >= 0 else { return }
            do {
                try FileIO.writeAll(descriptor, bytes, path: "agentws (plugin host output)")
            } catch {
                descriptor = -1
                agentwsGone.withLock { $0 = true }
                logger.warning("plugin host: \(error); destroying the instance and exiting")
                if shutdown(input, Int32(SHUT_RD)) != 0 { _exit(0) }
            }
        }
    }
}
