import AgentProcess
import AgentwsConfig
import AgentwsCore
import AgentwsDaemon
import AgentwsPlugins
import AgentwsStorage
import AgentwsSystem
import Logging

/// Gets the provider instance of an `agentws send` ready while the command line is still being
/// parsed: the argument parser, the workspace, the configuration and the thread's binding take a few
/// milliseconds before the send first calls its provider, and a plugin host takes about five to
/// start. So `main` looks at the arguments itself (`SendArguments`), and when they are a send, a
/// thread of its own does one of two things on the other core:
///
/// - when the send will most likely need a plugin host (`spareWorthStarting`), it starts a spare
///   one (`SparePluginHost`) and leaves the rest to the send, whose launch adopts it;
/// - otherwise it finds the provider the send will use exactly as the send does (the thread's
///   binding, else the model policy) and prepares it (`ConfiguredProviders.prepare`: discovery, the
///   instance created), and the send takes these providers over (`adopt`) when it runs in this
///   process with the same workspace and configuration.
///
/// A daemon-routed send finds nothing prepared. A guess that turns out wrong costs work, never a
/// result: the send resolves its provider again, and what goes wrong is reported by the send
/// itself, as without this.
enum EarlyProviders {
    private struct Prepared: Sendable {
        let workspaceRoot: String
        let configuration: Configuration
        let provider: String
        let providers: ConfiguredProviders
    }

    /// One preparation: `decided` opens once the send's provider is known, or its spare plugin host
    /// is started, or it is known that nothing will be prepared; `task` then holds the preparation,
    /// if any.
    private final class Pending: Sendable {
        let decided = Latch()
        let task = Locked<Task<Prepared?, Never>?>(nil)
    }

    private static let pending = Locked<Pending?>(nil)

    /// Starts preparing when `arguments` (without the program name) are a send.
    ///
    /// What comes before the provider (the workspace, the configuration, the binding) runs on a
    /// thread of its own: the concurrency pool's first thread takes a while to start, and the main
    /// thread is busy with the argument parser. The thread starts on the other core: left to the
    /// scheduler, it often waited for the main thread's time slice, starting 1–4 ms late.
    static func begin(arguments: [String]) {
        guard let send = SendArguments(arguments) else { return }
        let preparation = Pending()
        pending.withLock { $0 = preparation }
        do {
            try DetachedThread.start(onAnotherCPU: true) {
                let environment = CommandContext.environment
                guard let site = SendSite(send, environment) else {
                    preparation.decided.open()
                    return
                }
                // With a spare to start, the other core is the spare's: the send finds its provider
                // itself (as fast as this thread would). It waits for the spare to be there, though:
                // a launch that came first would start a second host beside it.
                if let spare = spareWorthStarting(send, site, environment) {
                    spare()
                    preparation.decided.open()
                    return
                }
                defer { preparation.decided.open() }
                guard let (context, provider) = resolve(send, site) else { return }
                let providers = context.makeProviders()
                let task = Task.detached { () -> Prepared? in
                    await providers.prepare(named: provider)
                    return Prepared(
                        workspaceRoot: context.workspace.root, configuration: context.configuration,
                        provider: provider, providers: providers)
                }
                preparation.task.withLock { $0 = task }
            }
        } catch {
            preparation.decided.open()
        }
    }

    /// How to start a spare plugin host (`SparePluginHost`), when the send will most likely need
    /// one: isolation forced by `AGENTWS_PLUGINS_ISOLATION=process`, or the instance the send's
    /// thread is bound to (or that `--provider` names) ran in a plugin host the last time it was
    /// created here. Finding out takes a directory walk and one small file, not the configuration;
    /// a wrong guess costs the spare's start, on the other core, and the spare ends with the send.
    private static func spareWorthStarting(
        _ send: SendArguments, _ site: SendSite, _ environment: [String: String]
    ) -> (@Sendable () -> Void)? {
        let forced = environment["AGENTWS_PLUGINS_ISOLATION"]
        guard forced != "in-process" else { return nil }
        let workspace = site.workspace
        let instance = (try? site.bound.get())?.provider
        let name = instance ?? send.provider
        let marker = name.map {
            SparePluginHost.markerPath(stateDirectory: workspace.providerStateDirectory($0))
        }
        guard forced == "process" || marker.map(FileIO.exists) == true,
            let settings = PluginHostSettings.forThisProgram()
        else { return nil }
        // Mapped ahead only from a directory plugins are searched in by default: the marker is a
        // file in the workspace, and a guess must never load what discovery would not.
        let searched = PluginSearchPath.current(
            configuration: Configuration.defaults.plugins, workspaceRoot: workspace.root
        ).directories
        let preload = marker.flatMap(SparePluginHost.markedPlugin).flatMap {
            searched.contains($0.directory) ? $0 : nil
        }
        return {
            SparePluginHost.start(
                settings: settings, preload: preload, logDirectory: workspace.stateDirectory,
                logger: Logger(label: "agentws.plugins"))
            guard SparePluginHost.isWaiting else { return }
            Logger(label: "agentws.send").debug("started a spare plugin host for provider '\(name ?? "?")'")
        }
    }

    /// The workspace and configuration of the send, and the provider instance it will use, found
    /// as the send finds them; nil when any of it fails (the send reports that itself).
    private static func resolve(_ send: SendArguments, _ site: SendSite) -> (CommandContext, String)? {
        guard case .success(let bound) = site.bound,
            let loaded = try? CommandContext.loadConfiguration(
                workspace: site.workspace, overrides: send.overrides)
        else { return nil }
        let context = CommandContext(workspace: site.workspace, loaded: loaded)
        guard
            let choice = try? ModelPolicy(configuration: context.configuration).resolve(
                model: send.model, provider: send.provider, bound: bound)
        else { return nil }
        return (context, choice.provider)
    }

    /// The providers prepared for this send, when they were prepared for `context`'s workspace and
    /// configuration; else nil (and their plugin hosts are ended). When a spare plugin host is being
    /// started, returns once it runs, so that the send's launch takes it.
    static func adopt(_ context: CommandContext) async -> ConfiguredProviders? {
        guard
            let preparation = pending.withLock({ pending in
                defer { pending = nil }; return pending
            }),
            await preparation.decided.wait(atMost: .seconds(10)),
            let task = preparation.task.withLock({ $0 }),
            let prepared = await task.value
        else { return nil }
        let logger = Logger(label: "agentws.send")
        guard prepared.workspaceRoot == context.workspace.root,
            prepared.configuration == context.configuration
        else {
            SparePluginHost.discard()
            logger.debug(
                "provider '\(prepared.provider)' was prepared for another workspace or configuration; ended")
            await prepared.providers.shutdownHosts()
            return nil
        }
        logger.debug("provider '\(prepared.provider)' was prepared while the command line was read")
        return prepared.providers
    }
}

/// Where a send will run, read once for both of `EarlyProviders`' paths: its workspace, and its
/// thread's binding as the model policy sees it.
private struct SendSite {
    let workspace: Workspace
    /// The thread's provider and model (nil: no thread given, or not bound yet); a failure when the
    /// thread id or its binding cannot be read, which the send reports itself.
    let bound: Result<ModelPolicy.Choice?, any Error>

    /// Nil when the send has no workspace, or a daemon serves it (the send goes there, and nothing
    /// runs here).
    init?(_ send: SendArguments, _ environment: [String: String]) {
        guard
            let workspace = try? Workspace.locate(
                explicit: send.workspace, environment: environment,
                currentDirectory: CommandContext.currentDirectory),
            DaemonClient.holder(workspace) == nil
        else { return nil }
        self.workspace = workspace
        bound = Result {
            guard let text = send.thread else { return nil }
            return try BindingStore.open(workspace).read(ThreadID(text)).map {
                ModelPolicy.Choice(provider: $0.provider, model: $0.model)
            }
        }
    }
}

/// What `EarlyProviders` needs of a send's command line, read without the argument parser: the
/// options that choose the workspace, the configuration and the provider. Anything it does not
/// know (help, an unknown option) makes it no send, so nothing is prepared.
struct SendArguments: Equatable {
    var workspace: String?
    var overrides: [String] = []
    var thread: String?
    var model: String?
    var provider: String?

    private static let valued: Set<String> = [
        "workspace", "set", "thread", "model", "provider", "runtime-mode",
    ]
    private static let flags: Set<String> = ["fresh", "wait", "json"]

    init?(_ arguments: [String]) {
        guard arguments.first == "send" else { return nil }
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            // The message starts at the first word that is not an option; `--` starts it too.
            guard argument.hasPrefix("--"), argument != "--" else { return }
            let option = argument.dropFirst(2)
            let name: String
            var value: String?
            if let equals = option.firstIndex(of: "=") {
                name = String(option[..<equals])
                value = String(option[option.index(after: equals)...])
            } else {
                name = String(option)
            }
            if Self.flags.contains(name), value == nil { continue }
            guard Self.valued.contains(name) else { return nil }
            if value == nil { value = rest.popFirst() }
            guard let value else { return nil }
            switch name {
            case "workspace": workspace = value
            case "set": overrides.append(value)
            case "thread": thread = value
            case "model": model = value
            case "provider": provider = value
            default: break
            }
        }
    }
}
