import AgentwsJSON

/// The effective configuration (SPEC §7). `Configuration.defaults` is the built-in layer; the
/// repository's `config.yaml` spells out exactly these values, and a test keeps the two equal.
public struct Configuration: Sendable, Equatable {
    public struct Reaper: Sendable, Equatable {
        public var idleTimeout: ConfigDuration
        public var sweepInterval: ConfigDuration
        public init(idleTimeout: ConfigDuration, sweepInterval: ConfigDuration) {
            self.idleTimeout = idleTimeout
            self.sweepInterval = sweepInterval
        }
    }

    public enum ResumeFailurePolicy: String, Sendable, Equatable, CaseIterable {
        /// Tell the user; keep the cursor; do nothing else.
        case fail
        /// Start a fresh conversation, replace the cursor, warn.
        case fresh
    }

    public struct Sessions: Sendable, Equatable {
        public var onResumeFailure: ResumeFailurePolicy
        public init(onResumeFailure: ResumeFailurePolicy) { self.onResumeFailure = onResumeFailure }
    }

    /// What happens to provider transcripts when sessions stop (SPEC §11).
    public enum TranscriptMode: String, Sendable, Equatable, CaseIterable {
        /// Nothing is captured; transcripts already in the workspace are still used to restore.
        case off
        /// Captured under `.agentws/transcripts/`, ignored by git: a retention guard on this machine.
        case local
        /// Captured and tracked by git, so that clones can continue the conversations.
        case commit
    }

    public struct Transcripts: Sendable, Equatable {
        public var mode: TranscriptMode
        /// The largest transcript captured; a larger one is not captured (a warning, nothing cut).
        public var maxSize: ConfigByteSize
        public init(mode: TranscriptMode, maxSize: ConfigByteSize) {
            self.mode = mode
            self.maxSize = maxSize
        }
    }

    public enum ModelChangePolicy: String, Sendable, Equatable, CaseIterable {
        case restart
        case reject
    }

    public struct Models: Sendable, Equatable {
        /// `provider/model` for new threads.
        public var defaultModel: String
        /// Glob patterns over `provider/model`; empty means no restriction.
        public var allow: [String]
        /// Short names for `provider/model`.
        public var aliases: [String: String]
        public var onChange: ModelChangePolicy
        public init(
            defaultModel: String, allow: [String], aliases: [String: String], onChange: ModelChangePolicy
        ) {
            self.defaultModel = defaultModel
            self.allow = allow
            self.aliases = aliases
            self.onChange = onChange
        }
    }

    /// Which process loads a plugin and runs its code (docs/plugin-abi.md, "Isolation").
    public enum Isolation: String, Sendable, Equatable, CaseIterable {
        /// A child `agentws plugin-host` process per provider instance: a plugin that crashes takes
        /// only its own instance down.
        case process
        /// `dlopen` into agentws itself: no relay, but a crash in the plugin is a crash of agentws.
        case inProcess = "in-process"
    }

    public struct Plugins: Sendable, Equatable {
        /// Directories searched for plugins after `AGENTWS_PLUGIN_PATH`, relative to the workspace
        /// root unless absolute.
        public var paths: [String]
        /// For every plugin; nil: `process` for plugins outside the shipped set, and
        /// `Plugins.shippedIsolation` for the shipped ones (found beside the executable or among the
        /// installed plugins).
        public var isolation: Isolation?
        /// A plugin host that leaves a call other than a turn unanswered this long is taken as hung:
        /// it is killed and its calls fail.
        public var callTimeout: ConfigDuration
        public init(paths: [String], isolation: Isolation? = nil, callTimeout: ConfigDuration = .minutes(2)) {
            self.paths = paths
            self.isolation = isolation
            self.callTimeout = callTimeout
        }

        /// The default for the shipped plugins, decided with the `plugin-isolation` benchmark row
        /// (docs/performance.md).
        public static let shippedIsolation = Isolation.inProcess
    }

    /// One configured provider instance (`providers.<name>`).
    public struct Provider: Sendable, Equatable {
        /// The plugin name as the plugin declares it in its magic block.
        public var plugin: String
        /// Overrides `reaper.idle_timeout` for this provider's sessions.
        public var idleTimeout: ConfigDuration?
        /// Passed to the plugin as JSON; plugin-defined. Always an object.
        public var options: JSONValue
        /// Overrides `plugins.isolation` for this instance.
        public var isolation: Isolation?
        public init(
            plugin: String, idleTimeout: ConfigDuration? = nil, options: JSONValue = .object([:]),
            isolation: Isolation? = nil
        ) {
            self.plugin = plugin
            self.idleTimeout = idleTimeout
            self.options = options
            self.isolation = isolation
        }
    }

    public var reaper: Reaper
    public var sessions: Sessions
    public var transcripts: Transcripts
    public var models: Models
    public var plugins: Plugins
    public var providers: [String: Provider]

    public init(
        reaper: Reaper, sessions: Sessions,
        transcripts: Transcripts = Transcripts(mode: .local, maxSize: .mebibytes(64)), models: Models,
        plugins: Plugins, providers: [String: Provider]
    ) {
        self.reaper = reaper
        self.sessions = sessions
        self.transcripts = transcripts
        self.models = models
        self.plugins = plugins
        self.providers = providers
    }

    /// The built-in defaults.
    public static let defaults = Configuration(
        reaper: Reaper(idleTimeout: .minutes(30), sweepInterval: .minutes(1)),
        sessions: Sessions(onResumeFailure: .fail),
        transcripts: Transcripts(mode: .local, maxSize: .mebibytes(64)),
        models: Models(defaultModel: "echo/echo-1", allow: [], aliases: [:], onChange: .restart),
        plugins: Plugins(paths: [".agentws/plugins"]),
        providers: ["echo": Provider(plugin: "echo")]
    )

    /// How provider instance `name` runs its plugin; `shipped`: whether the plugin is one of the
    /// shipped set.
    public func isolation(forProvider name: String, shipped: Bool) -> Isolation {
        providers[name]?.isolation ?? plugins.isolation ?? (shipped ? Plugins.shippedIsolation : .process)
    }

    /// The idle timeout that applies to sessions of provider instance `name`.
    public func idleTimeout(forProvider name: String) -> ConfigDuration {
        providers[name]?.idleTimeout ?? reaper.idleTimeout
    }
}
