import AgentwsJSON
import AgentwsSystem

/// What discovery under plugin isolation learnt about each plugin file, kept between commands
/// (`state/plugin-probes.json`), so that a command need not start a plugin host only to learn
/// which file declares which plugin name.
///
/// Only files that loaded are remembered, each with the stamp of the file it examined (inode, size,
/// modification and change time, `FileStamp`); an entry whose file has another stamp now is stale
/// and the file is examined again. Refused files are never remembered: a refusal may depend on
/// something other than the file (a missing library, a directory's permissions), so they are
/// examined again by every command that needs them. A remembered plugin is not trusted further than
/// its name: the host that serves an instance loads the file again with every check.
///
/// The cache is ignored whole when it is missing, damaged, or written by an agentws of another
/// plugin ABI or toolchain (whose loader might refuse what this one accepted).
struct PluginProbeCache {
    struct Entry {
        let directory: String
        let stamp: FileStamp
        let plugin: LoadedPlugin
    }

    /// The remembered plugins, by the path they were found at.
    private(set) var entries: [String: Entry] = [:]

    /// The format of the file; another one is ignored.
    static let format: Int64 = 1
    /// The file's name in a workspace's state directory.
    static let fileName = "plugin-probes.json"

    /// The plugin remembered for the file at `path`, found in `directory`, if its stamp is `stamp`.
    func plugin(at path: String, directory: String, stamp: FileStamp) -> LoadedPlugin? {
        guard let entry = entries[path], entry.directory == directory, entry.stamp == stamp else {
            return nil
        }
        return entry.plugin
    }

    mutating func remember(_ plugin: LoadedPlugin, stamp: FileStamp) {
        entries[plugin.path] = Entry(directory: plugin.directory, stamp: stamp, plugin: plugin)
    }

    init() {}

    /// The cache in the bytes of its file; empty when there are none or they cannot be used.
    init(decoding bytes: [UInt8]?) {
        guard let bytes, let value = try? JSONParser.parse(bytes: bytes),
            value["format"]?.integerValue == Self.format, value["abi"]?.stringValue == PluginHostVersion.abi,
            value["toolchain"]?.stringValue == PluginHostVersion.toolchain,
            let plugins = value["plugins"]?.arrayValue
        else { return }
        for item in plugins {
            guard let stampValue = item["stamp"], let stamp = FileStamp(json: stampValue),
                let identity = item["plugin"], let plugin = PluginHostProtocol.plugin(from: identity)
            else {
                entries = [:]
                return
            }
            remember(plugin, stamp: stamp)
        }
    }

    var isEmpty: Bool { entries.isEmpty }

    /// The file's bytes: compact JSON, plugins in path order.
    func encoded() -> [UInt8] {
        let plugins = entries.keys.sorted().compactMap { path -> JSONValue? in
            guard let entry = entries[path] else { return nil }
            return ["stamp": entry.stamp.json, "plugin": PluginHostProtocol.identity(entry.plugin)]
        }
        let value: JSONValue = [
            "format": .integer(Self.format), "abi": .string(PluginHostVersion.abi),
            "toolchain": .string(PluginHostVersion.toolchain), "plugins": .array(plugins),
        ]
        return JSONWriter.compact(value) + [UInt8(ascii: "\n")]
    }
}
