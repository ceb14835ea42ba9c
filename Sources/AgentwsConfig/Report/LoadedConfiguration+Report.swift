import AgentwsCore
import AgentwsJSON

extension LoadedConfiguration {
    /// Every effective value with its origin, in the order of the documented `config.yaml`: fixed keys,
    /// aliases by name, providers by name with their fields. A value written with `${NAME}` is
    /// reported as written, never with its effective text.
    package func report() -> [ConfigReportLine] {
        let models = configuration.models
        var lines: [ConfigReportLine] = []
        func add(_ key: String, _ value: String) {
            guard let written = asWritten[key] else {
                lines.append(ConfigReportLine(key: key, value: value, origin: origin(of: key)))
                return
            }
            lines.append(
                ConfigReportLine(
                    key: key, value: ConfigValueText.written(written.value), origin: origin(of: key),
                    variables: written.variables))
        }
        add(ConfigKeys.idleTimeout, configuration.reaper.idleTimeout.description)
        add(ConfigKeys.sweepInterval, configuration.reaper.sweepInterval.description)
        add(ConfigKeys.onResumeFailure, configuration.sessions.onResumeFailure.rawValue)
        add(ConfigKeys.transcriptMode, configuration.transcripts.mode.rawValue)
        add(ConfigKeys.transcriptMaxSize, configuration.transcripts.maxSize.description)
        add(ConfigKeys.defaultModel, ConfigValueText.scalar(models.defaultModel))
        add(ConfigKeys.allow, ConfigValueText.list(models.allow))
        if models.aliases.isEmpty { add(ConfigKeys.aliases, "{}") }
        for name in models.aliases.keys.sorted() {
            add(ConfigKeys.alias(name), ConfigValueText.scalar(models.aliases[name] ?? ""))
        }
        add(ConfigKeys.onChange, models.onChange.rawValue)
        add(ConfigKeys.pluginPaths, ConfigValueText.list(configuration.plugins.paths))
        if let isolation = configuration.plugins.isolation { add(ConfigKeys.isolation, isolation.rawValue) }
        add(ConfigKeys.callTimeout, configuration.plugins.callTimeout.description)
        for name in configuration.providers.keys.sorted() {
            guard let provider = configuration.providers[name] else { continue }
            add(ConfigKeys.provider(name, "plugin"), ConfigValueText.scalar(provider.plugin))
            if let timeout = provider.idleTimeout {
                add(ConfigKeys.provider(name, "idle_timeout"), timeout.description)
            }
            if origins[ConfigKeys.provider(name, "options")] != nil {
                add(ConfigKeys.provider(name, "options"), JSONWriter.compactString(provider.options))
            }
            if let isolation = provider.isolation {
                add(ConfigKeys.provider(name, "isolation"), isolation.rawValue)
            }
        }
        return lines
    }

    /// The report as text, one `key = value    # origin` line per value, the comments aligned.
    package func renderText() -> String {
        let lines = report()
        let assignments = lines.map { "\($0.key) = \($0.value)" }
        // Align on the longest assignment, but do not let one long options value push every comment far out.
        let width = min(assignments.map(\.count).max() ?? 0, 56)
        var text = ""
        for (assignment, line) in zip(assignments, lines) {
            let padding = String(repeating: " ", count: max(width - assignment.count, 0) + 4)
            text += "\(assignment)\(padding)# \(line.originText)\n"
        }
        return text
    }

    /// The report as JSON: `{"configuration": {…effective values, keyed as in YAML…}, "origins":
    /// {"reaper.idle_timeout": "default", …}, "variables": {"providers.codex.options":
    /// ["OPENAI_API_KEY"], …}}`. A value written with `${NAME}` is given as written, and `variables`
    /// lists the environment variables of each such key.
    package func renderJSON() -> JSONValue {
        let models = configuration.models
        func value(_ key: String, _ effective: JSONValue) -> JSONValue {
            asWritten[key]?.value ?? effective
        }
        var providers: [String: JSONValue] = [:]
        for (name, provider) in configuration.providers {
            func field(_ field: String, _ effective: JSONValue) -> JSONValue {
                value(ConfigKeys.provider(name, field), effective)
            }
            providers[name] = [
                "plugin": field("plugin", .string(provider.plugin)),
                "idle_timeout": field("idle_timeout", .optional(provider.idleTimeout?.description)),
                "options": field("options", provider.options),
                "isolation": field("isolation", .optional(provider.isolation?.rawValue)),
            ]
        }
        let aliases = Dictionary(
            uniqueKeysWithValues: models.aliases.map { name, target in
                (name, value(ConfigKeys.alias(name), .string(target)))
            })
        let values: JSONValue = [
            "reaper": [
                "idle_timeout": value(
                    ConfigKeys.idleTimeout, .string(configuration.reaper.idleTimeout.description)),
                "sweep_interval": value(
                    ConfigKeys.sweepInterval, .string(configuration.reaper.sweepInterval.description)),
            ],
            "sessions": [
                "on_resume_failure": value(
                    ConfigKeys.onResumeFailure, .string(configuration.sessions.onResumeFailure.rawValue))
            ],
            "transcripts": [
                "mode": value(ConfigKeys.transcriptMode, .string(configuration.transcripts.mode.rawValue)),
                "max_size": value(
                    ConfigKeys.transcriptMaxSize, .string(configuration.transcripts.maxSize.description)),
            ],
            "models": [
                "default": value(ConfigKeys.defaultModel, .string(models.defaultModel)),
                "allow": value(ConfigKeys.allow, .array(models.allow.map(JSONValue.string))),
                "aliases": .object(aliases),
                "on_change": value(ConfigKeys.onChange, .string(models.onChange.rawValue)),
            ],
            "plugins": [
                "paths": value(
                    ConfigKeys.pluginPaths, .array(configuration.plugins.paths.map(JSONValue.string))),
                "isolation": value(
                    ConfigKeys.isolation, .optional(configuration.plugins.isolation?.rawValue)),
                "call_timeout": value(
                    ConfigKeys.callTimeout, .string(configuration.plugins.callTimeout.description)),
            ],
            "providers": .object(providers),
        ]
        let lines = report()
        let origins = Dictionary(
            uniqueKeysWithValues: lines.map { ($0.key, JSONValue.string($0.origin.description)) })
        let variables = Dictionary(
            uniqueKeysWithValues: lines.filter { !$0.variables.isEmpty }.map {
                ($0.key, JSONValue.array($0.variables.map(JSONValue.string)))
            })
        return ["configuration": values, "origins": .object(origins), "variables": .object(variables)]
    }
}
