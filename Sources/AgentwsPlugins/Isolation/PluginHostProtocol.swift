import AgentwsCore
import AgentwsJSON

/// The messages between agentws and an `agentws plugin-host` child (docs/plugin-abi.md,
/// "Isolation"): JSON-RPC 2.0, one message per line, over the child's standard input and output,
/// which are socket pairs. The ABI's payloads are JSON already, so they cross unchanged.
///
/// agentws → host, requests:
/// - `probe` `{path, directory}`: the loader's checks and `dlopen` of one file → the plugin's
///   identity (`PluginHostProtocol.identity`) or `{"refused": reason}`.
/// - `create` `{path, directory, configuration, stderrLog?}`: load, then the plugin's `create` → its
///   identity; an error (`data.code` an ABI error code) when a check refuses the file or `create`
///   fails. `stderrLog` `{path, name}` is the log agentws keeps of the host's standard error, which
///   the host writes itself when agentws has gone (`PluginHostServer.LeftAlone`).
/// - `call` `{method, params}`: one ABI call → what its completion delivered (`CallReply.json`).
///
/// agentws → host, notification: `closing`, sent right before agentws closes the host's input while
/// it goes on reading the host's standard error until the host exits. Input that ends without it
/// means agentws has gone (a one-shot command that exited, a daemon that died).
///
/// host → agentws, notifications: `event` `{event}` (one `emit_event`, parsed) and `log`
/// `{level, text}` (one `log` line). They are written in the order the plugin made the callbacks,
/// on the same stream as the answers, so a turn's events always precede its completion.
enum PluginHostProtocol {
    static let probe = "probe"
    static let create = "create"
    static let call = "call"
    static let closing = "closing"
    static let event = "event"
    static let log = "log"

    /// The longest event relayed; a longer one is dropped and logged, naming the plugin.
    static let eventLimit = 16 << 20
    /// The longest line either side accepts: an event at its limit plus its envelope, or a call's
    /// parameters.
    static let lineLimit = 64 << 20

    static func identity(_ plugin: LoadedPlugin) -> JSONValue {
        [
            "name": .string(plugin.name), "version": .string(plugin.version),
            "abiMajor": .integer(Int64(plugin.abiMajor)), "abiMinor": .integer(Int64(plugin.abiMinor)),
            "toolchain": .string(plugin.toolchain), "path": .string(plugin.path),
            "realPath": .string(plugin.realPath), "directory": .string(plugin.directory),
        ]
    }

    /// The plugin a host described with `identity`; nil when `value` is not such a description.
    static func plugin(from value: JSONValue) -> LoadedPlugin? {
        guard let name = value["name"]?.stringValue, let version = value["version"]?.stringValue,
            let abiMajor = value["abiMajor"]?.integerValue, let abiMinor = value["abiMinor"]?.integerValue,
            let toolchain = value["toolchain"]?.stringValue, let path = value["path"]?.stringValue,
            let realPath = value["realPath"]?.stringValue, let directory = value["directory"]?.stringValue,
            let major = UInt32(exactly: abiMajor), let minor = UInt32(exactly: abiMinor)
        else { return nil }
        return LoadedPlugin(
            name: name, version: version, abiMajor: major, abiMinor: minor, toolchain: toolchain, path: path,
            realPath: realPath, directory: directory, functions: nil)
    }

    static func configuration(_ configuration: PluginProviderConfiguration) -> JSONValue {
        [
            "instanceName": .string(configuration.instanceName), "options": configuration.options,
            "workspace": .string(configuration.workspace),
            "stateDirectory": .string(configuration.stateDirectory),
        ]
    }

    static func configuration(from value: JSONValue) -> PluginProviderConfiguration? {
        guard let name = value["instanceName"]?.stringValue, let options = value["options"],
            let workspace = value["workspace"]?.stringValue,
            let stateDirectory = value["stateDirectory"]?.stringValue
        else { return nil }
        return PluginProviderConfiguration(
            instanceName: name, options: options, workspace: workspace, stateDirectory: stateDirectory)
    }
}
