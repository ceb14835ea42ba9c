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
/// milliseconds before the send first calls its provider. So `main` looks at the arguments itself
/// (`SendArguments`), and when they are a send, a thread of its own, on the other core, finds the
/// provider the send will use exactly as the send does (the thread's binding, else the model policy)
/// and prepares it (`ConfiguredProviders.prepare`: discovery, the instance created). The send takes
/// these providers over (`adopt`) when it runs in this process with the same workspace and
/// configuration.
///
/// An instance that runs in a plugin host is created in the copy of agentws that `main` forked
/// before anything else when the send would likely need one (`forkSpareIfLikely`,
/// `SparePluginHost`), so that no new program has to start.
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

    /// One preparation: `decided` opens once the send's provider is known, or it is known that
    /// nothing will be prepared; `task` then holds the preparation, if any.
    private final class Pending: Sendable {
        let decided = Latch()
        let task = Locked<Task<Prepared?, Never>?>(nil)
    }

    private static let pending = Locked<Pending?>(nil)

    /// The send's workspace as `forkSpareIfLikely` found it (nil inside: none, or a daemon serves
    /// it), so that the preparation does not walk up to it again; nil when it did not look.
    private static let workspaceFoundFirst = Locked<Workspace??>(nil)

    /// Forks the spare plugin host (`SparePluginHost.forkEarly`) when `arguments` are a send that
    /// will likely need one: isolation forced by `AGENTWS_PLUGINS_ISOLATION=process`, or an instance
    /// of its workspace ran in a plugin host the last time it was created here, and no daemon serves
    /// the workspace. Finding out takes a directory walk and a listing, not the configuration; the
    /// preparation then finds out exactly, and a copy its send does not take is discarded. The copy
    /// maps ahead the plugin the markers name, when they name one.
    ///
    /// Must come first in `main`, while this process has one thread (`ChildProcess.fork`).
    static func forkSpareIfLikely(arguments: [String]) {
        guard let send = SendArguments(arguments) else { return }
        let forced = getenv("AGENTWS_PLUGINS_ISOLATION").map { String(cString: $0) }
        guard forced != "in-process", let directory = getcwd(nil, 0) else { return }
        let currentDirectory = String(cString: directory)
        free(directory)
        var environment: [String: String] = [:]
        environment["AGENTWS_WORKSPACE"] = getenv("AGENTWS_WORKSPACE").map { String(cString: $0) }
        let found = SendSite.workspace(send, environment: environment, currentDirectory: currentDirectory)
        workspaceFoundFirst.withLock { $0 = .some(found) }
        guard let workspace = found else { return }
        let markers = SparePluginHost.markers(providersDirectory: workspace.providersStateDirectory) {
            PluginSearchPath.current(
                configuration: Configuration.defaults.plugins, workspaceRoot: workspace.root
            )
            .directories
        }
        guard forced == "process" || markers.any else { return }
        SparePluginHost.forkEarly(mappingAhead: markers.plugin)
    }

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
                defer { preparation.decided.open() }
                let environment = CommandContext.environment
                guard let site = SendSite(send, environment, workspace: workspaceFoundFirst.withLock { $0 }),
                    let (context, provider) = resolve(send, site)
                else {
                    SparePluginHost.discard()
                    return
                }
                SparePluginHost.forgetRemovedInstances(
                    providersDirectory: context.workspace.providersStateDirectory,
                    configured: Set(context.configuration.providers.keys))
                let providers = context.makeProviders()
                let task = Task.detached { () -> Prepared? in
                    // An instance in process leaves the copy untaken; one in a host takes it.
                    if await !providers.prepare(named: provider) { SparePluginHost.discard() }
                    return Prepared(
                        workspaceRoot: context.workspace.root, configuration: context.configuration,
                        provider: provider, providers: providers)
                }
                preparation.task.withLock { $0 = task }
            }
        } catch {
            SparePluginHost.discard()
            preparation.decided.open()
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
    /// configuration; else nil (and their plugin hosts are ended).
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

/// Where a send will run: its workspace, and its thread's binding as the model policy sees it.
private struct SendSite {
    /// The send's workspace, unless there is none or a daemon serves it.
    static func workspace(_ send: SendArguments, environment: [String: String], currentDirectory: String)
        -> Workspace?
    {
        guard
            let workspace = try? Workspace.locate(
                explicit: send.workspace, environment: environment, currentDirectory: currentDirectory),
            DaemonClient.holder(workspace) == nil
        else { return nil }
        return workspace
    }

    let workspace: Workspace
    /// The thread's provider and model (nil: no thread given, or not bound yet); a failure when the
    /// thread id or its binding cannot be read, which the send reports itself.
    let bound: Result<ModelPolicy.Choice?, any Error>

    /// Nil when the send has no workspace, or a daemon serves it (the send goes there, and nothing
    /// runs here). `found`: what `workspace(_:environment:currentDirectory:)` returned for this send
    /// already, if it was asked.
    init?(_ send: SendArguments, _ environment: [String: String], workspace found: Workspace??) {
        guard
            let workspace = found
                ?? Self.workspace(
                    send, environment: environment, currentDirectory: CommandContext.currentDirectory)
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
