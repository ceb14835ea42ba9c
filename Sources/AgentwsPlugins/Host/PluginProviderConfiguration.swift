import AgentwsCore
import AgentwsJSON
import AgentwsSystem

/// What a provider instance is created with: the JSON handed to the plugin's `create`.
package struct PluginProviderConfiguration: Sendable, Equatable {
    /// The instance name (`providers.<name>` in the config), e.g. "echo".
    package var instanceName: String
    /// `providers.<name>.options`: plugin-defined, always an object.
    package var options: JSONValue
    /// Absolute path of the workspace root.
    package var workspace: String
    /// Absolute path of the instance's private state directory; created before the plugin is.
    package var stateDirectory: String

    /// A configuration with an explicit state directory.
    package init(instanceName: String, options: JSONValue, workspace: String, stateDirectory: String) {
        self.instanceName = instanceName
        self.options = options
        self.workspace = workspace
        self.stateDirectory = stateDirectory
    }

    /// The standard state directory: `<workspace>/.agentws/state/providers/<instance>`.
    package init(instanceName: String, options: JSONValue, workspace: String) {
        self.init(
            instanceName: instanceName, options: options, workspace: workspace,
            stateDirectory: workspace.appendingPathComponent(".agentws/state/providers/\(instanceName)"))
    }

    /// The JSON `create` receives.
    var json: JSONValue {
        [
            "provider": .string(instanceName), "options": options, "workspace": .string(workspace),
            "stateDirectory": .string(stateDirectory),
        ]
    }

    /// Checks the configuration and creates the state directory (mode 0700) before a plugin sees it.
    ///
    /// - Throws: `invalid-request` for a configuration no plugin could use, `provider-failed` when the
    ///   state directory cannot be created.
    func prepare() throws(ProviderError) {
        if let problem { throw ProviderError(.invalidRequest, problem) }
        do {
            try FileIO.makeDirectories(stateDirectory, mode: 0o700)
        } catch {
            throw ProviderError(
                .providerFailed,
                "cannot create the state directory \(stateDirectory) of provider \(instanceName): \(error.reason)"
            )
        }
    }

    /// Why this configuration cannot be handed to a plugin, or nil.
    var problem: String? {
        if instanceName.isEmpty || instanceName.contains("/") || instanceName == "." || instanceName == ".." {
            return "provider instance name \"\(instanceName)\" cannot name a directory"
        }
        if options.objectValue == nil { return "options of provider \(instanceName) must be an object" }
        if !workspace.hasPrefix("/") { return "workspace \(workspace) is not an absolute path" }
        if !stateDirectory.hasPrefix("/") {
            return "state directory \(stateDirectory) is not an absolute path"
        }
        return nil
    }
}
