import AgentwsSystem
import Logging

/// The plugins found along a search path: those loaded and those refused, with the reason for each.
public struct PluginCatalog: Sendable {
    /// Loaded plugins in search order, at most one per name.
    public let loaded: [LoadedPlugin]
    /// Files that were not loaded, including plugins shadowed by an earlier one of the same name.
    public let refused: [PluginRefusal]
    /// The search path they were found along.
    public let searchPath: PluginSearchPath

    /// Where the directory of a loaded plugin came from (`AGENTWS_PLUGIN_PATH`, `plugins.paths`, …).
    public func origin(of plugin: LoadedPlugin) -> String {
        searchPath.origin(ofPluginAt: plugin.path) ?? "given"
    }

    /// The loaded plugin that declares `name`, if any.
    public func plugin(named name: String) -> LoadedPlugin? {
        loaded.first { $0.name == name }
    }

    /// Why provider instance `provider` cannot have plugin `plugin`, which is not among the loaded
    /// ones: a refused file may be it (its name is unknown when the magic block was refused), so any
    /// refusal is named; those whose file name mentions the plugin come first, else the count and the
    /// first refusal.
    public func missingPluginMessage(provider: String, plugin: String) -> String {
        var message = "provider '\(provider)' needs plugin '\(plugin)', which was not found"
        let named = refused.filter { $0.path.contains(plugin) }
        if !named.isEmpty {
            message += "; refused candidates: " + named.map(\.description).joined(separator: "; ")
        } else if let first = refused.first {
            let count = refused.count
            message += "; \(count) plugin file\(count == 1 ? " was" : "s were") refused, the first: \(first)"
        }
        return message + ". 'agentws providers' lists what was found and why anything was refused."
    }

    /// Loads every `*.so` file in the search path's directories.
    ///
    /// Directories that do not exist are skipped silently (the configured defaults need not exist);
    /// within a directory, files are taken in name order. A plugin name seen a second time is
    /// refused as shadowed: the first one wins.
    public static func discover(
        searchPath: PluginSearchPath, logger: Logger = Logger(label: "agentws.plugins")
    ) -> PluginCatalog {
        var loaded: [LoadedPlugin] = []
        var refused: [PluginRefusal] = []
        var searched: Set<String> = []
        for directory in searchPath.directories {
            let candidates: [String]
            do {
                guard let found = try candidateFiles(in: directory, searched: &searched) else { continue }
                candidates = found
            } catch {
                refused.append(error)
                continue
            }
            for candidate in candidates {
                do {
                    let plugin = try PluginLoader.load(path: candidate, directory: directory, logger: logger)
                    if let first = loaded.first(where: { $0.name == plugin.name }) {
                        refused.append(
                            PluginRefusal(
                                path: candidate, reason: .shadowed(name: plugin.name, by: first.path)))
                    } else {
                        loaded.append(plugin)
                    }
                } catch {
                    refused.append(error)
                }
            }
        }
        return PluginCatalog(loaded: loaded, refused: refused, searchPath: searchPath)
    }

    /// The `*.so` paths in `directory`, sorted; nil when it does not exist or was already searched.
    private static func candidateFiles(in directory: String, searched: inout Set<String>)
        throws(PluginRefusal)
        -> [String]?
    {
        guard directory.hasPrefix("/") else { throw PluginRefusal(path: directory, reason: .notAbsolute) }
        let realDirectory: String
        switch SystemCalls.realPath(directory) {
        case .success(let real): realDirectory = real
        case .failure(let error) where error.code == ENOENT: return nil
        case .failure(let error):
            throw PluginRefusal(path: directory, reason: .unreadable(error: error.reason))
        }
        guard searched.insert(realDirectory).inserted else { return nil }
        switch SystemCalls.directoryEntries(realDirectory) {
        case .success(let names):
            return names.filter { $0.hasSuffix(".so") && !$0.hasPrefix(".") }.sorted()
                .map { directory.appendingPathComponent($0) }
        case .failure(let error) where error.code == ENOTDIR:
            throw PluginRefusal(path: directory, reason: .notADirectory)
        case .failure(let error):
            throw PluginRefusal(path: directory, reason: .unreadable(error: error.reason))
        }
    }
}
