import AgentwsCore

/// The `AGENTWS_*` environment variables for the scalar settings (SPEC §7).
enum EnvironmentLayer {
    /// Variable name → dotted key, in the documentation's order.
    static let variables: [(variable: String, key: String)] = [
        ("AGENTWS_REAPER_IDLE_TIMEOUT", ConfigKeys.idleTimeout),
        ("AGENTWS_REAPER_SWEEP_INTERVAL", ConfigKeys.sweepInterval),
        ("AGENTWS_SESSIONS_ON_RESUME_FAILURE", ConfigKeys.onResumeFailure),
        ("AGENTWS_TRANSCRIPTS_MODE", ConfigKeys.transcriptMode),
        ("AGENTWS_TRANSCRIPTS_MAX_SIZE", ConfigKeys.transcriptMaxSize),
        ("AGENTWS_MODELS_DEFAULT", ConfigKeys.defaultModel),
        ("AGENTWS_MODELS_ON_CHANGE", ConfigKeys.onChange),
        ("AGENTWS_PLUGINS_ISOLATION", ConfigKeys.isolation),
        ("AGENTWS_PLUGINS_CALL_TIMEOUT", ConfigKeys.callTimeout),
    ]

    /// The layer the environment describes. A variable set to the empty string counts as unset, the
    /// way shells let one "clear" a variable for one command. `${NAME}` in a value is resolved like in
    /// the files, from the same environment.
    static func decode(_ environment: [String: String]) -> (
        layer: ConfigLayer, diagnostics: [ConfigDiagnostic]
    ) {
        var layer = ConfigLayer()
        var diagnostics: [ConfigDiagnostic] = []
        for (variable, key) in variables {
            guard let text = environment[variable], !text.isEmpty else { continue }
            let origin = ConfigOrigin.environment(variable: variable)
            func located<Value>(
                _ expected: String, _ parse: (String) throws(InvalidSettingValue) -> Value
            ) throws(InvalidSettingValue) -> Located<Value> {
                let parsed = try VariableReferences.resolveAndParse(
                    text, key: key, expected: expected, environment: environment, parse)
                return Located(value: parsed.value, origin: origin, written: parsed.written)
            }
            do throws(InvalidSettingValue) {
                switch key {
                case ConfigKeys.idleTimeout:
                    layer.idleTimeout = try located("a duration like 5m") {
                        text throws(InvalidSettingValue) in
                        try SettingValues.duration(text, key: key)
                    }
                case ConfigKeys.sweepInterval:
                    layer.sweepInterval = try located("a duration like 5m") {
                        text throws(InvalidSettingValue) in try SettingValues.duration(text, key: key)
                    }
                case ConfigKeys.onResumeFailure:
                    layer.onResumeFailure = try located("fail or fresh") { text throws(InvalidSettingValue) in
                        try SettingValues.choice(text, key: key)
                    }
                case ConfigKeys.transcriptMode:
                    layer.transcriptMode = try located("off, local or commit") {
                        text throws(InvalidSettingValue) in try SettingValues.choice(text, key: key)
                    }
                case ConfigKeys.transcriptMaxSize:
                    layer.transcriptMaxSize = try located("a size like 64MiB") {
                        text throws(InvalidSettingValue) in try SettingValues.byteSize(text, key: key)
                    }
                case ConfigKeys.defaultModel:
                    layer.defaultModel = try located("provider/model") { text throws(InvalidSettingValue) in
                        try SettingValues.modelReference(text, key: key)
                    }
                case ConfigKeys.onChange:
                    layer.onChange = try located("restart or reject") { text throws(InvalidSettingValue) in
                        try SettingValues.choice(text, key: key)
                    }
                case ConfigKeys.isolation:
                    layer.isolation = try located("process or in-process") {
                        text throws(InvalidSettingValue) in
                        try SettingValues.choice(text, key: key)
                    }
                case ConfigKeys.callTimeout:
                    layer.callTimeout = try located("a duration like 5m") {
                        text throws(InvalidSettingValue) in
                        try SettingValues.duration(text, key: key)
                    }
                default:
                    break
                }
            } catch {
                diagnostics.append(ConfigDiagnostic(at: origin, error.message))
            }
        }
        return (layer, diagnostics)
    }
}
