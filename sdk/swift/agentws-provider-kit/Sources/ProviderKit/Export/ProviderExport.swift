import AgentwsSystem
import CAgentwsProvider

/// Builds what a Swift plugin's two exported C functions return.
///
/// A shared object serves one plugin type: the first type handed to `magic` or `entry` is the one
/// the returned tables describe and `create` instantiates. The tables are built on first use and
/// never freed (plugins are never unloaded).
public enum ProviderExport {
    /// The `agentws_plugin_magic` block for `plugin`; return it from `agentws_provider_magic`.
    public static func magic<Plugin: ProviderPlugin>(_ plugin: Plugin.Type) -> UnsafeRawPointer {
        UnsafeRawPointer(ExportedTables.serving(plugin).magic)
    }

    /// The `agentws_plugin_entry` table for `plugin`; return it from `agentws_provider_entry`.
    public static func entry<Plugin: ProviderPlugin>(_ plugin: Plugin.Type) -> UnsafeRawPointer {
        UnsafeRawPointer(ExportedTables.serving(plugin).entry)
    }
}

/// The magic block and entry table of this shared object, and the plugin type behind them.
final class ExportedTables: @unchecked Sendable {
    // @unchecked: every field is written once, before the value is published, and never changed.
    let pluginType: any ProviderPlugin.Type
    let magic: UnsafeMutablePointer<agentws_plugin_magic>
    let entry: UnsafeMutablePointer<agentws_plugin_entry>

    private static let current = Locked<ExportedTables?>(nil)

    /// The tables, built for `plugin` unless another type got there first.
    static func serving(_ plugin: any ProviderPlugin.Type) -> ExportedTables {
        current.withLock { current in
            if let current { return current }
            let tables = ExportedTables(pluginType: plugin)
            current = tables
            return tables
        }
    }

    /// The plugin type `create` instantiates, or nil before the host has asked for the tables.
    static var servedType: (any ProviderPlugin.Type)? {
        current.withLock { $0?.pluginType }
    }

    private init(pluginType: any ProviderPlugin.Type) {
        self.pluginType = pluginType
        magic = .allocate(capacity: 1)
        magic.initialize(
            to: agentws_plugin_magic(
                magic: providerMagicNumber,
                abi_major: UInt32(AGENTWS_PROVIDER_ABI_MAJOR),
                abi_minor: UInt32(AGENTWS_PROVIDER_ABI_MINOR),
                struct_size: UInt32(MemoryLayout<agentws_plugin_magic>.size),
                reserved: 0,
                plugin_name: permanentCString(pluginType.name),
                plugin_version: permanentCString(pluginType.version),
                toolchain: permanentCString(swiftToolchain)
            )
        )
        entry = .allocate(capacity: 1)
        entry.initialize(
            to: agentws_plugin_entry(
                struct_size: UInt32(MemoryLayout<agentws_plugin_entry>.size),
                abi_minor: UInt32(AGENTWS_PROVIDER_ABI_MINOR),
                create: createInstance,
                call: callMethod,
                destroy: destroyInstance,
                free_buffer: freeBuffer
            )
        )
    }
}

/// `AGENTWS_PROVIDER_MAGIC` from the header.
let providerMagicNumber = UInt64(AGENTWS_PROVIDER_MAGIC)

/// A NUL-terminated copy of `text` that is never freed.
private func permanentCString(_ text: String) -> UnsafePointer<CChar> {
    let bytes = Array(text.utf8) + [0]
    let storage = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    for (index, byte) in bytes.enumerated() { storage[index] = CChar(bitPattern: byte) }
    return UnsafePointer(storage)
}
