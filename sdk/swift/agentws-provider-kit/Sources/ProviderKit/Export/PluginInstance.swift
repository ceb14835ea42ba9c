import AgentwsJSON

/// One created instance: what the opaque `void *instance` handed to the host points at.
final class PluginInstance: Sendable {
    let plugin: any ProviderPlugin
    let connection: HostConnection

    private init(plugin: any ProviderPlugin, connection: HostConnection) {
        self.plugin = plugin
        self.connection = connection
    }

    /// Parses the configuration and creates the plugin, answering any failure as a plugin error.
    static func create(
        _ pluginType: any ProviderPlugin.Type,
        configuration bytes: [UInt8],
        connection: HostConnection
    ) throws(PluginError) -> PluginInstance {
        let configuration = try PluginConfiguration(parsing: bytes)
        do {
            let plugin = try pluginType.init(
                configuration: configuration, host: PluginHost(connection: connection))
            return PluginInstance(plugin: plugin, connection: connection)
        } catch {
            throw PluginError(answering: error)
        }
    }
}
