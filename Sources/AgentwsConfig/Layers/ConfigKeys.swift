/// The dotted names of the configuration keys, as written in YAML, used for origins, the report and
/// error messages.
enum ConfigKeys {
    static let idleTimeout = "reaper.idle_timeout"
    static let sweepInterval = "reaper.sweep_interval"
    static let onResumeFailure = "sessions.on_resume_failure"
    static let transcriptMode = "transcripts.mode"
    static let transcriptMaxSize = "transcripts.max_size"
    static let defaultModel = "models.default"
    static let allow = "models.allow"
    static let aliases = "models.aliases"
    static let onChange = "models.on_change"
    static let pluginPaths = "plugins.paths"
    static let isolation = "plugins.isolation"
    static let callTimeout = "plugins.call_timeout"
    static let providers = "providers"

    /// The top-level sections, in the order the documentation uses.
    static let sections = ["reaper", "sessions", "transcripts", "models", "plugins", "providers"]
    /// The keys of each section that has a fixed set (providers is keyed by instance name).
    static let sectionKeys: [String: [String]] = [
        "reaper": ["idle_timeout", "sweep_interval"],
        "sessions": ["on_resume_failure"],
        "transcripts": ["mode", "max_size"],
        "models": ["default", "allow", "aliases", "on_change"],
        "plugins": ["paths", "isolation", "call_timeout"],
    ]
    /// The keys of one provider instance.
    static let providerFields = ["plugin", "idle_timeout", "options", "isolation"]

    static func alias(_ name: String) -> String { "\(aliases).\(name)" }
    static func provider(_ name: String, _ field: String) -> String { "\(providers).\(name).\(field)" }
}
