import AgentwsCore
import AgentwsJSON

extension LoadedConfiguration {
    /// Every effective value with its origin, in the order of the documented `config.yaml`: fixed keys,
    /// aliases by name, providers by name with their fields.
    public func report() -> [ConfigReportLine] {
        let models = configuration.models
        var lines: [ConfigReportLine] = []
        func add(_ key: String, _ value: String) {
            lines.append(ConfigReportLine(key: key, value: value, origin: origin(of: key)))
        }
        add(ConfigKeys.idleTimeout, configuration.reaper.idleTimeout.description)
        add(ConfigKeys.sweepInterval, configuration.reaper.sweepInterval.description)
        add(ConfigKeys.onResumeFailure, configuration.sessions.onResumeFailure.rawValue)
        add(ConfigKeys.defaultModel, ConfigValueText.scalar(models.defaultModel))
        add(ConfigKeys.allow, ConfigValueText.list(models.allow))
        if models.aliases.isEmpty { add(ConfigKeys.aliases, "{}") }
        for name in models.aliases.keys.sorted() {
            add(ConfigKeys.alias(name), ConfigValueText.scalar(models.aliases[name] ?? ""))
        }
        add(ConfigKeys.onChange, models.onChange.rawValue)
        add(ConfigKeys.pluginPaths, ConfigValueText.list(configuration.plugins.paths))
        for name in configuration.providers.keys.sorted() {
            guard let provider = configuration.providers[name] else { continue }
            add(ConfigKeys.provider(name, "plugin"), ConfigValueText.scalar(provider.plugin))
            if let timeout = provider.idleTimeout {
                add(ConfigKeys.provider(name, "idle_timeout"), timeout.description)
            }
            if origins[ConfigKeys.provider(name, "options")] != nil {
                add(ConfigKeys.provider(name, "options"), JSONWriter.compactString(provider.options))
            }
        }
        return lines
    }

    /// The report as text, one `key = value    # origin` line per value, the comments aligned.
    public func renderText() -> String {
        let lines = report()
        let assignments = lines.map { "\($0.key) = \($0.value)" }
        // Align on the longest assignment, but do not let one long options value push every comment far out.
        let width = min(assignments.map(\.count).max() ?? 0, 56)
        var text = ""
        for (assignment, line) in zip(assignments, lines) {
            let padding = String(repeating: " ", count: max(width - assignment.count, 0) + 4)
            text += "\(assignment)\(padding)# \(line.origin)\n"
        }
        return text
    }

    /// The report as JSON: `{"configuration": {…effective values, keyed as in YAML…}, "origins":
    /// {"reaper.idle_timeout": "default", …}}`.
    public func renderJSON() -> JSONValue {
        let models = configuration.models
        let providers = configuration.providers.mapValues { provider -> JSONValue in
            [
                "plugin": .string(provider.plugin),
                "idle_timeout": .optional(provider.idleTimeout?.description),
                "options": provider.options,
            ]
        }
        let values: JSONValue = [
            "reaper": [
                "idle_timeout": .string(configuration.reaper.idleTimeout.description),
                "sweep_interval": .string(configuration.reaper.sweepInterval.description),
            ],
            "sessions": ["on_resume_failure": .string(configuration.sessions.onResumeFailure.rawValue)],
            "models": [
                "default": .string(models.defaultModel),
                "allow": .array(models.allow.map(JSONValue.string)),
                "aliases": .object(models.aliases.mapValues(JSONValue.string)),
                "on_change": .string(models.onChange.rawValue),
            ],
            "plugins": ["paths": .array(configuration.plugins.paths.map(JSONValue.string))],
            "providers": .object(providers),
        ]
        let origins = Dictionary(
            uniqueKeysWithValues: report().map { ($0.key, JSONValue.string($0.origin.description)) })
        return ["configuration": values, "origins": .object(origins)]
    }
}
