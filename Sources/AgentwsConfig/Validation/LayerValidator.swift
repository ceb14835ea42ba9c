import AgentwsCore
import AgentwsJSON

/// The checks that span keys and layers, run on the merged layers so that each error can point at the
/// value that caused it. Whether each provider's plugin can be found is `agentws doctor`'s business.
enum LayerValidator {
    static func problems(in layer: ConfigLayer) -> [ConfigDiagnostic] {
        var problems: [ConfigDiagnostic] = []
        let providerNames = layer.providers.keys.sorted()
        for name in providerNames {
            guard let provider = layer.providers[name], provider.plugin == nil, !provider.pluginRefused else {
                continue
            }
            problems.append(
                ConfigDiagnostic(
                    at: provider.declaredAt,
                    "\(ConfigKeys.providers).\(name): no plugin is set; "
                        + "add 'plugin: <name>' with the name the plugin declares"
                )
            )
        }
        let defined = providerNames.joined(separator: ", ")
        func checkProvider(of reference: Located<String>, key: String) {
            let provider = SettingValues.provider(ofModelReference: reference.value)
            guard layer.providers[provider] == nil else { return }
            // A value taken from the environment is named as written, never by its effective text.
            let subject =
                reference.written.map { "the provider of \(JSONWriter.compactString($0.value))" }
                ?? "provider '\(provider)' of \(reference.value)"
            problems.append(
                ConfigDiagnostic(
                    at: reference.origin,
                    "\(key): \(subject) is not defined under providers "
                        + "(defined: \(defined.isEmpty ? "none" : defined))"
                )
            )
        }
        if let defaultModel = layer.defaultModel {
            checkProvider(of: defaultModel, key: ConfigKeys.defaultModel)
        }
        for name in layer.aliases.keys.sorted() {
            if let alias = layer.aliases[name] { checkProvider(of: alias, key: ConfigKeys.alias(name)) }
        }
        if let problem = sweepProblem(in: layer) { problems.append(problem) }
        return problems
    }

    /// A sweep interval longer than an idle timeout would stop idle sessions late by up to the interval.
    private static func sweepProblem(in layer: ConfigLayer) -> ConfigDiagnostic? {
        guard let sweep = layer.sweepInterval else { return nil }
        var shortest: (key: String, timeout: Located<ConfigDuration>)?
        if let global = layer.idleTimeout { shortest = (ConfigKeys.idleTimeout, global) }
        for name in layer.providers.keys.sorted() {
            guard let timeout = layer.providers[name]?.idleTimeout else { continue }
            if timeout.value < (shortest?.timeout.value ?? ConfigDuration(milliseconds: .max)) {
                shortest = (ConfigKeys.provider(name, "idle_timeout"), timeout)
            }
        }
        guard let shortest, sweep.value > shortest.timeout.value else { return nil }
        // Point at whichever of the two was set by the user; the sweep interval when both were.
        let origin = sweep.origin == .defaults ? shortest.timeout.origin : sweep.origin
        return ConfigDiagnostic(
            at: origin,
            "\(ConfigKeys.sweepInterval) (\(sweep.value)) is longer than \(shortest.key) "
                + "(\(shortest.timeout.value)), so idle sessions would be stopped up to \(sweep.value) late; "
                + "make \(ConfigKeys.sweepInterval) at most \(shortest.timeout.value) or raise \(shortest.key)"
        )
    }
}
