import AgentwsJSON
import CAgentwsProvider
import ProviderKit

/// The probe's tables, as its two exported functions would return them.
enum ProbeExport {
    static var magic: agentws_plugin_magic {
        ProviderExport.magic(ProbePlugin.self).assumingMemoryBound(to: agentws_plugin_magic.self).pointee
    }

    static var entry: agentws_plugin_entry {
        ProviderExport.entry(ProbePlugin.self).assumingMemoryBound(to: agentws_plugin_entry.self).pointee
    }

    /// A valid configuration for an instance called `instance`.
    static func configuration(_ instance: String, options: JSONValue = [:]) -> JSONValue {
        ["provider": .string(instance), "options": options, "workspace": "/w", "stateDirectory": "/w/state"]
    }

    /// A created probe instance.
    static func create(_ instance: String, options: JSONValue = [:]) throws -> PluginDriver {
        try PluginDriver.create(entry: entry, configuration: configuration(instance, options: options)).get()
    }
}
