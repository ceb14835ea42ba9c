import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import Logging

/// A provider instance served by a loaded plugin through the C ABI.
package final class PluginProvider: Provider {
    private let instance: any PluginChannel
    /// What the instance's last `describe` said, for the checks of the ABI 1.1 methods: which
    /// methods an instance has does not change while it lives, and asking again would cost a call
    /// (a round trip to a plugin host) before every export.
    private let described = Locked<ProviderCapabilities?>(nil)

    /// The provider instance name (`providers.<name>`).
    package var name: String { instance.name }
    /// The plugin serving it.
    package var plugin: LoadedPlugin { instance.plugin }

    /// Creates the state directory (mode 0700) and then the plugin's instance.
    ///
    /// - Throws: `invalid-request` for a configuration no plugin could use, `provider-failed` when the
    ///   state directory cannot be created, and whatever the plugin's `create` reports.
    package init(plugin: LoadedPlugin, configuration: PluginProviderConfiguration, logger: Logger)
        throws(ProviderError)
    {
        try configuration.prepare()
        try? FileIO.removeIfPresent(SparePluginHost.markerPath(stateDirectory: configuration.stateDirectory))
        let plugin = try plugin.loadedHere(logger: logger)
        instance = try HostedInstance(plugin: plugin, configuration: configuration, logger: logger)
    }

    /// A provider over `channel` (a plugin host's).
    init(channel: any PluginChannel) {
        instance = channel
    }

    /// Runs the plugin's `describe`: how it switches models, which models it has, whether it resumes,
    /// and (ABI 1.1) whether it exports, imports and forks. A plugin built for ABI 1.0 never has the
    /// 1.1 methods, whatever its `describe` says.
    package func describe() async throws(ProviderError) -> ProviderCapabilities {
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
        var capabilities = ProviderCapabilities(
            modelSwitch: modelSwitch, models: models, canResume: try fields.bool("canResume"))
        guard plugin.abiMinor >= 1 else {
            described.withLock { $0 = capabilities }
            return capabilities
        }
        capabilities.canExport = try fields.optionalBool("canExport") ?? false
        capabilities.canImport = try fields.optionalBool("canImport") ?? false
        capabilities.canFork = try fields.optionalBool("canFork") ?? false
        capabilities.canReplace = try fields.optionalBool("canReplace") ?? false
        capabilities.transcriptFormat = try fields.optionalString("transcriptFormat")
        if capabilities.canExport, capabilities.transcriptFormat?.isEmpty ?? true {
            throw fields.malformed("has canExport but no \"transcriptFormat\"")
        }
        described.withLock { $0 = capabilities }
        return capabilities
    }

    /// Runs the plugin's `start` and routes the session's events to `events` (from any thread),
    /// including those the plugin emitted before `start` completed. A resume that the plugin answers
    /// with a fresh conversation is stopped and reported as `resume-failed`.
    package func start(_ request: SessionStartRequest, events: @escaping ProviderEventHandler)
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

    /// Runs the plugin's `export` (ABI 1.1): the plugin writes the transcript to `destination`, which
    /// must then be a regular file. A plugin that does not advertise `canExport` is not called.
    package func exportTranscript(_ request: TranscriptExportRequest) async throws(ProviderError)
        -> TranscriptExportResult
    {
        try await require(\.canExport, "export transcripts")
        let fields = try await instance.request(
            "export",
            [
                "thread": .string(request.thread.rawValue), "cursor": request.cursor,
                "cwd": .string(request.cwd), "path": .string(request.destination),
            ])
        let format = try fields.string("format")
        if format.isEmpty { throw fields.malformed("has an empty format") }
        guard case .success(let status) = SystemCalls.linkStatus(request.destination),
            status.st_mode & S_IFMT == S_IFREG
        else {
            throw fields.malformed("answered, but \(request.destination) is not a file it wrote")
        }
        return TranscriptExportResult(format: format, cursor: request.cursor)
    }

    /// Runs the plugin's `import` (ABI 1.1) and returns the cursor it answers. `replace` is sent only
    /// to a plugin that advertises `canReplace` (an older one would ignore it and place a copy), and
    /// must be answered with the same cursor.
    package func importTranscript(_ request: TranscriptImportRequest) async throws(ProviderError) -> JSONValue
    {
        try await require(\.canImport, "import transcripts")
        var params: [String: JSONValue] = [
            "thread": .string(request.thread.rawValue), "cwd": .string(request.cwd),
            "path": .string(request.source), "format": .string(request.format),
            "cursor": request.cursor ?? .null,
        ]
        if request.replace {
            try await require(\.canReplace, "replace its copy of a conversation")
            params["replace"] = .bool(true)
        }
        let fields = try await instance.request("import", .object(params))
        guard let cursor = fields.optional("cursor") else { throw fields.malformed("has no \"cursor\"") }
        if request.replace, let asked = request.cursor, cursor != asked {
            throw fields.malformed("answered a replace with another cursor than the one replaced")
        }
        return cursor
    }

    /// Runs the plugin's `fork` (ABI 1.1) and returns the new conversation's cursor.
    package func fork(_ request: ForkRequest) async throws(ProviderError) -> JSONValue {
        try await require(\.canFork, "fork conversations")
        let fields = try await instance.request(
            "fork",
            [
                "thread": .string(request.thread.rawValue), "source": .string(request.source.rawValue),
                "cursor": request.cursor, "cwd": .string(request.cwd), "model": .optional(request.model),
                "runtimeMode": .optional(request.runtimeMode),
            ])
        guard let cursor = fields.optional("cursor") else { throw fields.malformed("has no \"cursor\"") }
        if cursor == request.cursor {
            throw fields.malformed("answered the source conversation's own cursor, not a copy")
        }
        return cursor
    }

    /// Refuses an ABI 1.1 method the plugin does not advertise, without calling it.
    private func require(_ capability: KeyPath<ProviderCapabilities, Bool>, _ action: String)
        async throws(ProviderError)
    {
        var capabilities = described.withLock { $0 }
        if capabilities == nil { capabilities = try await describe() }
        guard let capabilities, capabilities[keyPath: capability] else {
            throw ProviderError(
                .unsupported,
                "provider '\(name)' (plugin \(plugin.name) \(plugin.version), ABI \(plugin.abiMajor)."
                    + "\(plugin.abiMinor)) cannot \(action)")
        }
    }

    /// Stops a session the host will not use; its outcome changes nothing.
    private func stopQuietly(_ session: String) async {
        _ = try? await instance.perform("stop", ["session": .string(session)])
    }
}
