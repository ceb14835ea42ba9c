import AgentwsJSON

/// The configuration the host hands to `create`.
public struct PluginConfiguration: Sendable, Equatable {
    /// The provider instance name from the host's configuration (`providers.<name>`).
    public var instanceName: String
    /// The plugin-defined options of that instance; empty when none were given.
    public var options: [String: JSONValue]
    /// The absolute workspace root.
    public var workspace: String
    /// An absolute directory reserved for this instance's state; the host creates it.
    public var stateDirectory: String

    /// Makes a configuration; plugins receive theirs from the host.
    public init(instanceName: String, options: [String: JSONValue], workspace: String, stateDirectory: String)
    {
        self.instanceName = instanceName
        self.options = options
        self.workspace = workspace
        self.stateDirectory = stateDirectory
    }
}
