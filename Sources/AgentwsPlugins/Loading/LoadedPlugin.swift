import AgentwsCore
import CAgentwsProvider
import Logging

/// A plugin that passed every check of SPEC §8.2 and is mapped into this process for good.
package struct LoadedPlugin: Sendable {
    /// The name from its magic block; what `providers.<instance>.plugin` refers to.
    package let name: String
    /// Free-form version from its magic block.
    package let version: String
    /// The ABI major version it was built against; always this host's (others are refused).
    package let abiMajor: UInt32
    /// The ABI minor version it was built against; it may be older or newer than this host's.
    package let abiMinor: UInt32
    /// The compiler that built it, as it says (e.g. "swift-6.3", "gcc-12.2.0").
    package let toolchain: String
    /// The file as it was found in the search path.
    package let path: String
    /// The file after symbolic links are resolved; what was actually opened.
    package let realPath: String
    /// The plugin directory it was found in (its checks are made against it).
    package let directory: String

    /// The entry table in this process; nil for a plugin examined in a plugin host only.
    let functions: PluginFunctions?

    /// This plugin mapped into this process: itself when it is, else loaded now with every check.
    func loadedHere(logger: Logger) throws(ProviderError) -> LoadedPlugin {
        if functions != nil { return self }
        let loaded: LoadedPlugin
        do {
            loaded = try PluginLoader.load(path: path, directory: directory, logger: logger)
        } catch {
            throw ProviderError(.providerFailed, error.description)
        }
        try checkSameName(as: loaded)
        return loaded
    }

    /// Fails when `loaded`, this plugin's file loaded again, declares another name: discovery may
    /// have taken the name from an earlier command's examination of the file.
    func checkSameName(as loaded: LoadedPlugin) throws(ProviderError) {
        guard loaded.name != name else { return }
        throw ProviderError(
            .providerFailed,
            "\(path) declares plugin '\(loaded.name)' now, not '\(name)': it changed while agentws was "
                + "starting; run the command again")
    }

    /// The same plugin as seen from another process (its functions are not mapped here).
    func examinedElsewhere() -> LoadedPlugin {
        LoadedPlugin(
            name: name, version: version, abiMajor: abiMajor, abiMinor: abiMinor, toolchain: toolchain,
            path: path, realPath: realPath, directory: directory, functions: nil)
    }

    /// "plugin echo (/path/libAgentwsEcho.so)", for messages about a misbehaving plugin.
    var label: String { "plugin \(name) (\(path))" }
}

/// The entry table's functions, copied out once after the table was checked.
///
/// `@unchecked Sendable`: these are C function pointers into a shared object that is never unloaded
/// (RTLD_NODELETE, no dlclose), and the ABI requires them to be callable from any thread.
struct PluginFunctions: @unchecked Sendable {
    typealias Create =
        @convention(c) (
            UnsafePointer<CChar>?, Int, UnsafePointer<agentws_host_callbacks>?,
            UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
            UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
            UnsafeMutablePointer<Int>?
        ) -> Int32
    typealias Call =
        @convention(c) (
            UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int, agentws_completion_fn?,
            UnsafeMutableRawPointer?
        ) -> Void
    typealias Destroy = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias FreeBuffer = @convention(c) (UnsafeMutablePointer<CChar>?, Int) -> Void

    let create: Create
    let call: Call
    let destroy: Destroy
    let freeBuffer: FreeBuffer
}
