import AgentwsCore
import Yams

/// Loads the effective configuration (SPEC §7) from its layers, later winning: built-in defaults → user
/// file → workspace file → `AGENTWS_*` environment variables → command-line overrides. `${NAME}` in any
/// string value of any layer is replaced by that variable of `environment` (`VariableReferences`).
///
/// Scalars and lists are replaced by a later layer; `models.aliases` and `providers` merge per entry,
/// and one provider merges per field (`plugin`, `idle_timeout`, `options`; `options` as a whole).
package struct ConfigurationLoader: Sendable {
    /// The process environment, for the `AGENTWS_*` variables and `${NAME}` references.
    package var environment: [String: String]
    /// The user file; nil for none. A path that does not exist is an absent layer.
    package var userConfigPath: String?
    /// The workspace's `.agentws/config.yaml`; nil outside a workspace. A missing file is an absent layer.
    package var workspaceConfigPath: String?
    /// Command-line overrides, applied in order.
    package var overrides: [ConfigOverride]

    /// A loader for the given layers. Use `userConfigPath(environment:)` for the usual user file.
    package init(
        environment: [String: String],
        userConfigPath: String?,
        workspaceConfigPath: String?,
        overrides: [ConfigOverride] = []
    ) {
        self.environment = environment
        self.userConfigPath = userConfigPath
        self.workspaceConfigPath = workspaceConfigPath
        self.overrides = overrides
    }

    /// The environment variables that set scalar keys: variable name → dotted key.
    package static let environmentVariables: [String: String] = Dictionary(
        uniqueKeysWithValues: EnvironmentLayer.variables.map { ($0.variable, $0.key) }
    )

    /// `$XDG_CONFIG_HOME/agentws/config.yaml`, else `$HOME/.config/agentws/config.yaml`; nil when
    /// neither variable gives an absolute directory (the XDG spec ignores relative ones).
    package static func userConfigPath(environment: [String: String]) -> String? {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") {
            return joined(base, "agentws/config.yaml")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return joined(home, ".config/agentws/config.yaml")
        }
        return nil
    }

    /// `<root>/.agentws/config.yaml`.
    package static func workspaceConfigPath(workspaceRoot: String) -> String {
        joined(workspaceRoot, ".agentws/config.yaml")
    }

    /// Reads and layers everything, then validates the result.
    ///
    /// - Throws: `ConfigurationError` with every problem found in every layer, each naming its file
    ///   position, variable or flag.
    package func load() throws(ConfigurationError) -> LoadedConfiguration {
        var merged = ConfigLayer(defaults: .defaults)
        var diagnostics: [ConfigDiagnostic] = []

        for path in [userConfigPath, workspaceConfigPath].compactMap({ $0 }) {
            switch ConfigFileReader.read(path: path) {
            case .absent:
                continue
            case .failed(let diagnostic):
                diagnostics.append(diagnostic)
            case .text(let text):
                let decoded = Self.decodeFile(text: text, path: path, environment: environment)
                diagnostics += decoded.diagnostics
                merged.apply(decoded.layer)
            }
        }

        let environmentLayer = EnvironmentLayer.decode(environment)
        diagnostics += environmentLayer.diagnostics
        merged.apply(environmentLayer.layer)

        for override in overrides {
            var decoder = LayerDecoder(source: .override(override), environment: environment)
            decoder.decodeOverride(override)
            diagnostics += decoder.diagnostics
            merged.apply(decoder.layer)
        }

        diagnostics += LayerValidator.problems(in: merged)
        guard diagnostics.isEmpty else { throw ConfigurationError(diagnostics: diagnostics) }
        return LoadedConfiguration(
            configuration: merged.configuration(), origins: merged.origins(),
            asWritten: merged.writtenValues())
    }

    /// One file's layer and its problems; a syntax error leaves the layer empty. `${NAME}` in values
    /// is looked up in `environment`.
    static func decodeFile(text: String, path: String, environment: [String: String]) -> (
        layer: ConfigLayer, diagnostics: [ConfigDiagnostic]
    ) {
        let root: Node?
        do {
            root = try YAMLDocument.compose(text)
        } catch {
            return (
                ConfigLayer(),
                [ConfigDiagnostic(location: "\(path):\(error.line):\(error.column)", message: error.message)]
            )
        }
        var decoder = LayerDecoder(source: .file(path: path), environment: environment)
        decoder.decodeDocument(root)
        return (decoder.layer, decoder.diagnostics)
    }

    private static func joined(_ directory: String, _ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }
}
