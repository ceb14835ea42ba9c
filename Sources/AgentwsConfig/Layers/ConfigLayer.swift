import AgentwsCore
import AgentwsJSON

/// What one layer (defaults, a file, the environment, the flags) says, key by key. A key the layer does
/// not mention is nil, so that layering can tell "not set here" from "set to the default".
struct ConfigLayer: Sendable {
    var idleTimeout: Located<ConfigDuration>?
    var sweepInterval: Located<ConfigDuration>?
    var onResumeFailure: Located<Configuration.ResumeFailurePolicy>?
    var transcriptMode: Located<Configuration.TranscriptMode>?
    var transcriptMaxSize: Located<ConfigByteSize>?
    var defaultModel: Located<String>?
    /// The list replaces as a whole; each entry keeps its own position for validation.
    var allow: Located<[Located<String>]>?
    var aliases: [String: Located<String>] = [:]
    /// Where `models.aliases` itself was last written, so an explicit `aliases: {}` is reported as such.
    var aliasesOrigin: ConfigOrigin?
    var onChange: Located<Configuration.ModelChangePolicy>?
    var pluginPaths: Located<[Located<String>]>?
    var isolation: Located<Configuration.Isolation>?
    var callTimeout: Located<ConfigDuration>?
    var providers: [String: ProviderLayer] = [:]
}

/// What one layer says about one provider instance.
struct ProviderLayer: Sendable {
    /// Where the instance was named (its key), for errors about the instance as a whole.
    var declaredAt: ConfigOrigin
    var plugin: Located<String>?
    /// A plugin value was given but refused; that error is reported, so "no plugin set" would be noise.
    var pluginRefused = false
    var idleTimeout: Located<ConfigDuration>?
    /// Plugin-defined, so it is replaced as a whole rather than merged key by key.
    var options: Located<JSONValue>?
    var isolation: Located<Configuration.Isolation>?
}

extension ConfigLayer {
    /// The built-in layer: every key of `configuration`, with origin `default`.
    init(defaults configuration: Configuration) {
        func located<Value>(_ value: Value) -> Located<Value> { Located(value: value, origin: .defaults) }
        idleTimeout = located(configuration.reaper.idleTimeout)
        sweepInterval = located(configuration.reaper.sweepInterval)
        onResumeFailure = located(configuration.sessions.onResumeFailure)
        transcriptMode = located(configuration.transcripts.mode)
        transcriptMaxSize = located(configuration.transcripts.maxSize)
        defaultModel = located(configuration.models.defaultModel)
        allow = located(configuration.models.allow.map(located))
        aliases = configuration.models.aliases.mapValues(located)
        aliasesOrigin = .defaults
        onChange = located(configuration.models.onChange)
        pluginPaths = located(configuration.plugins.paths.map(located))
        isolation = configuration.plugins.isolation.map(located)
        callTimeout = located(configuration.plugins.callTimeout)
        providers = configuration.providers.mapValues { provider in
            ProviderLayer(
                declaredAt: .defaults,
                plugin: located(provider.plugin),
                idleTimeout: provider.idleTimeout.map(located),
                // Only options someone wrote are reported, as for any other provider.
                options: provider.options == .object([:]) ? nil : located(provider.options),
                isolation: provider.isolation.map(located)
            )
        }
    }

    /// Lays `later` over this layer: scalars and lists are replaced, aliases and providers merge per
    /// entry, and one provider merges per field.
    mutating func apply(_ later: ConfigLayer) {
        idleTimeout = later.idleTimeout ?? idleTimeout
        sweepInterval = later.sweepInterval ?? sweepInterval
        onResumeFailure = later.onResumeFailure ?? onResumeFailure
        transcriptMode = later.transcriptMode ?? transcriptMode
        transcriptMaxSize = later.transcriptMaxSize ?? transcriptMaxSize
        defaultModel = later.defaultModel ?? defaultModel
        allow = later.allow ?? allow
        aliases.merge(later.aliases) { _, newer in newer }
        aliasesOrigin = later.aliasesOrigin ?? aliasesOrigin
        onChange = later.onChange ?? onChange
        pluginPaths = later.pluginPaths ?? pluginPaths
        isolation = later.isolation ?? isolation
        callTimeout = later.callTimeout ?? callTimeout
        for (name, newer) in later.providers {
            guard var merged = providers[name] else {
                providers[name] = newer
                continue
            }
            merged.declaredAt = newer.declaredAt
            merged.plugin = newer.plugin ?? merged.plugin
            merged.pluginRefused = newer.pluginRefused || (newer.plugin == nil && merged.pluginRefused)
            merged.idleTimeout = newer.idleTimeout ?? merged.idleTimeout
            merged.options = newer.options ?? merged.options
            merged.isolation = newer.isolation ?? merged.isolation
            providers[name] = merged
        }
    }

    /// The typed configuration. Keys no layer set fall back to `Configuration.defaults` (the defaults
    /// layer sets them all, so this only matters for a layer built without it); a provider without a
    /// plugin is left out, and validation reports it.
    func configuration() -> Configuration {
        let fallback = Configuration.defaults
        var providers: [String: Configuration.Provider] = [:]
        for (name, provider) in self.providers {
            guard let plugin = provider.plugin?.value else { continue }
            providers[name] = Configuration.Provider(
                plugin: plugin,
                idleTimeout: provider.idleTimeout?.value,
                options: provider.options?.value ?? .object([:]),
                isolation: provider.isolation?.value
            )
        }
        return Configuration(
            reaper: Configuration.Reaper(
                idleTimeout: idleTimeout?.value ?? fallback.reaper.idleTimeout,
                sweepInterval: sweepInterval?.value ?? fallback.reaper.sweepInterval
            ),
            sessions: Configuration.Sessions(
                onResumeFailure: onResumeFailure?.value ?? fallback.sessions.onResumeFailure
            ),
            transcripts: Configuration.Transcripts(
                mode: transcriptMode?.value ?? fallback.transcripts.mode,
                maxSize: transcriptMaxSize?.value ?? fallback.transcripts.maxSize
            ),
            models: Configuration.Models(
                defaultModel: defaultModel?.value ?? fallback.models.defaultModel,
                allow: allow.map { $0.value.map(\.value) } ?? fallback.models.allow,
                aliases: aliases.mapValues(\.value),
                onChange: onChange?.value ?? fallback.models.onChange
            ),
            plugins: Configuration.Plugins(
                paths: pluginPaths.map { $0.value.map(\.value) } ?? fallback.plugins.paths,
                isolation: isolation?.value ?? fallback.plugins.isolation,
                callTimeout: callTimeout?.value ?? fallback.plugins.callTimeout),
            providers: providers
        )
    }

    /// The written form of every value that has one (it refers to environment variables), by dotted
    /// key as in `origins()`.
    func writtenValues() -> [String: ConfigWrittenValue] {
        var written: [String: ConfigWrittenValue] = [:]
        written[ConfigKeys.idleTimeout] = idleTimeout?.written
        written[ConfigKeys.sweepInterval] = sweepInterval?.written
        written[ConfigKeys.onResumeFailure] = onResumeFailure?.written
        written[ConfigKeys.transcriptMode] = transcriptMode?.written
        written[ConfigKeys.transcriptMaxSize] = transcriptMaxSize?.written
        written[ConfigKeys.defaultModel] = defaultModel?.written
        written[ConfigKeys.allow] = allow?.written
        for (name, alias) in aliases {
            written[ConfigKeys.alias(name)] = alias.written
        }
        written[ConfigKeys.onChange] = onChange?.written
        written[ConfigKeys.pluginPaths] = pluginPaths?.written
        written[ConfigKeys.isolation] = isolation?.written
        written[ConfigKeys.callTimeout] = callTimeout?.written
        for (name, provider) in providers {
            written[ConfigKeys.provider(name, "plugin")] = provider.plugin?.written
            written[ConfigKeys.provider(name, "idle_timeout")] = provider.idleTimeout?.written
            written[ConfigKeys.provider(name, "options")] = provider.options?.written
            written[ConfigKeys.provider(name, "isolation")] = provider.isolation?.written
        }
        return written
    }

    /// The origin of every value the configuration has, by dotted key (see `ConfigKeys`).
    func origins() -> [String: ConfigOrigin] {
        var origins: [String: ConfigOrigin] = [:]
        origins[ConfigKeys.idleTimeout] = idleTimeout?.origin ?? .defaults
        origins[ConfigKeys.sweepInterval] = sweepInterval?.origin ?? .defaults
        origins[ConfigKeys.onResumeFailure] = onResumeFailure?.origin ?? .defaults
        origins[ConfigKeys.transcriptMode] = transcriptMode?.origin ?? .defaults
        origins[ConfigKeys.transcriptMaxSize] = transcriptMaxSize?.origin ?? .defaults
        origins[ConfigKeys.defaultModel] = defaultModel?.origin ?? .defaults
        origins[ConfigKeys.allow] = allow?.origin ?? .defaults
        if aliases.isEmpty {
            origins[ConfigKeys.aliases] = aliasesOrigin ?? .defaults
        }
        for (name, alias) in aliases {
            origins[ConfigKeys.alias(name)] = alias.origin
        }
        origins[ConfigKeys.onChange] = onChange?.origin ?? .defaults
        origins[ConfigKeys.pluginPaths] = pluginPaths?.origin ?? .defaults
        if let isolation { origins[ConfigKeys.isolation] = isolation.origin }
        origins[ConfigKeys.callTimeout] = callTimeout?.origin ?? .defaults
        for (name, provider) in providers {
            if let plugin = provider.plugin { origins[ConfigKeys.provider(name, "plugin")] = plugin.origin }
            if let timeout = provider.idleTimeout {
                origins[ConfigKeys.provider(name, "idle_timeout")] = timeout.origin
            }
            if let options = provider.options {
                origins[ConfigKeys.provider(name, "options")] = options.origin
            }
            if let isolation = provider.isolation {
                origins[ConfigKeys.provider(name, "isolation")] = isolation.origin
            }
        }
        return origins
    }
}
