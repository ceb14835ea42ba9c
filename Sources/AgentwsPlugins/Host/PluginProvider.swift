import AgentwsCore
import AgentwsJSON
import Logging

/// A provider instance served by a loaded plugin through the C ABI.
public final class PluginProvider: Provider {
    private let instance: PluginInstance

    /// The provider instance name (`providers.<name>`).
    public var name: String { instance.name }
    /// The plugin serving it.
    public var plugin: LoadedPlugin { instance.plugin }

    /// Creates the state directory (mode 0700) and then the plugin's instance.
    ///
    /// - Throws: `invalid-request` for a configuration no plugin could use, `provider-failed` when the
    ///   state directory cannot be created, and whatever the plugin's `create` reports.
    public init(plugin: LoadedPlugin, configuration: PluginProviderConfiguration, logger: Logger)
        throws(ProviderError)
    {
        if let problem = configuration.problem { throw ProviderError(.invalidRequest, problem) }
        if case .failure(let error) = SystemCalls.makeDirectories(configuration.stateDirectory, mode: 0o700) {
            throw ProviderError(
                .providerFailed,
                "cannot create the state directory \(configuration.stateDirectory) of provider "
                    + "\(configuration.instanceName): \(error.text)")
        }
        instance = try PluginInstance(plugin: plugin, configuration: configuration, logger: logger)
    }

    /// Runs the plugin's `describe`: how it switches models, which models it has, whether it resumes.
    public func describe() async throws(ProviderError) -> ProviderCapabilities {
        let fields = try await instance.request("describe", .object([:]))
        let switchText = try fields.string("modelSwitch")
        guard let modelSwitch = ModelSwitch(rawValue: switchText) else {
            throw fields.malformed("has unknown modelSwitch \"\(switchText)\"")
        }
        var models: [String]?
        if let list = fields.optional("models") {
            guard let names = list.arrayValue?.compactMap(\.stringValue),
                names.count == list.arrayValue?.count
            else {
                throw fields.malformed("has \"models\" that is not null or a list of strings")
            }
            models = names
        }
        return ProviderCapabilities(
            modelSwitch: modelSwitch, models: models, canResume: try fields.bool("canResume"))
    }

    /// Runs the plugin's `start` and routes the session's events to `events` (from any thread),
    /// including those the plugin emitted before `start` completed. A resume that the plugin answers
    /// with a fresh conversation is stopped and reported as `resume-failed`.
    public func start(_ request: SessionStartRequest, events: @escaping ProviderEventHandler)
        async throws(ProviderError) -> any ProviderSession
    {
        let params: JSONValue = [
            "thread": .string(request.thread.rawValue), "cwd": .string(request.cwd),
            "model": .optional(request.model), "runtimeMode": .optional(request.runtimeMode),
            "resumeCursor": request.resumeCursor ?? .null,
        ]
        instance.router.beginStart()
        let session: String
        let cursor: JSONValue?
        do throws(ProviderError) {
            let fields = try await instance.request("start", params)
            session = try fields.string("session")
            cursor = fields.optional("cursor")
            let resumed = try fields.bool("resumed")
            if session.isEmpty { throw fields.malformed("has an empty session id") }
            if let resumeCursor = request.resumeCursor, !resumed {
                // SPEC §4.2: a conversation is never silently replaced by a fresh one.
                await stopQuietly(session)
                throw ProviderError(
                    .resumeFailed,
                    "\(name): \(plugin.label) started a fresh conversation instead of resuming "
                        + "\(ReplyFields.excerpt(resumeCursor))")
            }
        } catch {
            instance.router.finishStart(session: nil, handler: nil)
            throw error
        }
        guard instance.router.finishStart(session: session, handler: events) else {
            throw ProviderError(
                .providerFailed,
                "\(plugin.label): start returned session \"\(session)\", which is already live")
        }
        return PluginSession(id: session, instance: instance, cursor: cursor ?? request.resumeCursor)
    }

    /// Stops a session the host will not use; its outcome changes nothing.
    private func stopQuietly(_ session: String) async {
        _ = try? await instance.perform("stop", ["session": .string(session)])
    }
}
