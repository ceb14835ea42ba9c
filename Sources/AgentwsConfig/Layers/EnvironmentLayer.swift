import AgentwsCore

/// The `AGENTWS_*` environment variables for the scalar settings (SPEC §7).
enum EnvironmentLayer {
    /// Variable name → dotted key, in the documentation's order.
    static let variables: [(variable: String, key: String)] = [
        ("AGENTWS_REAPER_IDLE_TIMEOUT", ConfigKeys.idleTimeout),
        ("AGENTWS_REAPER_SWEEP_INTERVAL", ConfigKeys.sweepInterval),
        ("AGENTWS_SESSIONS_ON_RESUME_FAILURE", ConfigKeys.onResumeFailure),
        ("AGENTWS_MODELS_DEFAULT", ConfigKeys.defaultModel),
        ("AGENTWS_MODELS_ON_CHANGE", ConfigKeys.onChange),
    ]

    /// The layer the environment describes. A variable set to the empty string counts as unset, the
    /// way shells let one "clear" a variable for one command.
    static func decode(_ environment: [String: String]) -> (
        layer: ConfigLayer, diagnostics: [ConfigDiagnostic]
    ) {
        var layer = ConfigLayer()
        var diagnostics: [ConfigDiagnostic] = []
        for (variable, key) in variables {
            guard let text = environment[variable], !text.isEmpty else { continue }
            let origin = ConfigOrigin.environment(variable: variable)
            func located<Value>(_ value: Value) -> Located<Value> { Located(value: value, origin: origin) }
            do throws(InvalidSettingValue) {
                switch key {
                case ConfigKeys.idleTimeout:
                    layer.idleTimeout = located(try SettingValues.duration(text, key: key))
                case ConfigKeys.sweepInterval:
                    layer.sweepInterval = located(try SettingValues.duration(text, key: key))
                case ConfigKeys.onResumeFailure:
                    layer.onResumeFailure = located(try SettingValues.choice(text, key: key))
                case ConfigKeys.defaultModel:
                    layer.defaultModel = located(try SettingValues.modelReference(text, key: key))
                case ConfigKeys.onChange:
                    layer.onChange = located(try SettingValues.choice(text, key: key))
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
