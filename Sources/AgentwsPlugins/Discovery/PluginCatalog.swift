import AgentwsSystem
import Logging

/// The plugins found along a search path: those loaded and those refused, with the reason for each.
package struct PluginCatalog: Sendable {
    /// Loaded plugins in search order, at most one per name.
    package let loaded: [LoadedPlugin]
    /// Files that were not loaded, including plugins shadowed by an earlier one of the same name.
    package let refused: [PluginRefusal]
    /// The search path they were found along.
    package let searchPath: PluginSearchPath

    /// Where the directory of a loaded plugin came from (`AGENTWS_PLUGIN_PATH`, `plugins.paths`, …).
    package func origin(of plugin: LoadedPlugin) -> String {
        searchPath.origin(ofPluginAt: plugin.path) ?? "given"
    }

    /// The loaded plugin that declares `name`, if any.
    package func plugin(named name: String) -> LoadedPlugin? {
        loaded.first { $0.name == name }
    }

    /// Why provider instance `provider` cannot have plugin `plugin`, which is not among the loaded
    /// ones: a refused file may be it (its name is unknown when the magic block was refused), so any
    /// refusal is named; those whose file name mentions the plugin come first, else the count and the
    /// first refusal.
    package func missingPluginMessage(provider: String, plugin: String) -> String {
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
    package static func discover(
        searchPath: PluginSearchPath, logger: Logger = Logger(label: "agentws.plugins")
    ) -> PluginCatalog {
        let (candidates, problems) = candidates(along: searchPath)
        let results = candidates.map { candidate in
            Result { () throws(PluginRefusal) in
                try PluginLoader.load(path: candidate.path, directory: candidate.directory, logger: logger)
            }
        }
        return assemble(results, problems: problems, searchPath: searchPath)
    }

    /// Plugin isolation for discovery: which directories' files are examined in plugin hosts.
    package struct Isolation: Sendable {
        /// How hosts are started.
        package var settings: PluginHostSettings
        /// Where the hosts' standard error is logged (`plugin-probe.log`), and where what they
        /// found is remembered (`plugin-probes.json`, `PluginProbeCache`).
        package var logDirectory: String
        /// Whether the files of a directory of this origin (`PluginSearchPath.origins`) are examined
        /// in a plugin host rather than in this process.
        package var isolates: @Sendable (_ origin: String) -> Bool
        /// Whether plugins remembered from earlier commands are taken without examining their files
        /// again; false examines every file (what `providers` and `doctor` do) and remembers anew.
        package var trustsRemembered: Bool

        package init(
            settings: PluginHostSettings, logDirectory: String, trustsRemembered: Bool = true,
            isolates: @escaping @Sendable (_ origin: String) -> Bool
        ) {
            self.settings = settings
            self.logDirectory = logDirectory
            self.trustsRemembered = trustsRemembered
            self.isolates = isolates
        }
    }

    /// `discover`, with the files of isolated directories examined in plugin hosts
    /// (`PluginProbe`): a plugin whose constructor crashes is refused with how its host died,
    /// and never takes this process down. The outcome is the same as in-process otherwise.
    ///
    /// A file that loaded in an earlier command and has not changed since (`PluginProbeCache`) is
    /// not examined again: no host starts when every isolated file is known, and a file of a
    /// directory searched in process is mapped only by the instance that uses it. Files loaded in
    /// this process are remembered as well, so that commands which isolate different files (one in
    /// process, the next with `AGENTWS_PLUGINS_ISOLATION=process`) do not undo each other's memory.
    ///
    /// - Parameter now: the wall clock (`FileStamp.wallClockNow`), against which a file changed in
    ///   the last two seconds is not remembered (its stamp could repeat, see `FileStamp.isRacy`).
    package static func discover(
        searchPath: PluginSearchPath, isolation: Isolation, logger: Logger = Logger(label: "agentws.plugins"),
        now: Int64 = FileStamp.wallClockNow()
    ) async -> PluginCatalog {
        let (candidates, problems) = candidates(along: searchPath)
        let cachePath = isolation.logDirectory.appendingPathComponent(PluginProbeCache.fileName)
        let stored = try? FileIO.readIfPresent(cachePath)
        let remembered = isolation.trustsRemembered ? PluginProbeCache(decoding: stored) : PluginProbeCache()
        // Each file's stamp, taken before it is examined: a change meanwhile leaves a newer one.
        // An unchanged file that loaded before is taken as remembered, wherever it would run: an
        // isolated one starts no host, and one of a directory searched in process is not mapped,
        // since a command uses one or two plugins and mapping each of the others cost an in-process
        // send 0.5–1.2 ms with the shipped ones (row 13). The instance that uses it loads it then,
        // with every check (`PluginProvider`, or its plugin host).
        var stamps: [String: FileStamp] = [:]
        var known: [String: LoadedPlugin] = [:]
        var unknown: [(path: String, directory: String)] = []
        for candidate in candidates {
            let stamp = try? FileStamp.of(candidate.path)
            stamps[candidate.path] = stamp
            if let stamp,
                let plugin = remembered.plugin(
                    at: candidate.path, directory: candidate.directory, stamp: stamp)
            {
                known[candidate.path] = plugin
            } else if isolation.isolates(candidate.origin) {
                unknown.append((candidate.path, candidate.directory))
            }
        }
        var examined = await PluginProbe.examine(
            unknown, settings: isolation.settings, logDirectory: isolation.logDirectory, logger: logger
        ).makeIterator()
        var results: [Result<LoadedPlugin, PluginRefusal>] = []
        var remember = PluginProbeCache()
        for candidate in candidates {
            let result: Result<LoadedPlugin, PluginRefusal>
            if let plugin = known[candidate.path] {
                result = .success(plugin)
            } else if isolation.isolates(candidate.origin) {
                guard let next = examined.next() else { continue }
                result = next
            } else {
                result = Result { () throws(PluginRefusal) in
                    try PluginLoader.load(
                        path: candidate.path, directory: candidate.directory, logger: logger)
                }
            }
            // Files loaded in this process are remembered too, though this command does not need
            // that: a later command that isolates the file (another instance's setting,
            // AGENTWS_PLUGINS_ISOLATION) would otherwise start a host only to learn its name, and
            // this command's rewrite of the file would drop what an isolating command remembered.
            if case .success(let plugin) = result, let stamp = stamps[candidate.path], !stamp.isRacy(now: now)
            {
                remember.remember(plugin, stamp: stamp)
            }
            results.append(result)
        }
        let bytes = remember.encoded()
        if bytes != stored, !(remember.isEmpty && stored == nil) {
            do {
                try AtomicFile.replace(bytes, path: cachePath)
            } catch {
                logger.info("cannot remember the examined plugins in \(cachePath): \(error)")
            }
        }
        return assemble(results, problems: problems, searchPath: searchPath)
    }

    private struct Candidate {
        let path: String
        let directory: String
        let origin: String
    }

    /// Every candidate file in search order, and the directories that could not be searched.
    private static func candidates(along searchPath: PluginSearchPath) -> ([Candidate], [PluginRefusal]) {
        var candidates: [Candidate] = []
        var problems: [PluginRefusal] = []
        var searched: Set<String> = []
        for (index, directory) in searchPath.directories.enumerated() {
            do {
                guard let found = try candidateFiles(in: directory, searched: &searched) else { continue }
                let origin = index < searchPath.origins.count ? searchPath.origins[index] : "given"
                candidates += found.map { Candidate(path: $0, directory: directory, origin: origin) }
            } catch {
                problems.append(error)
            }
        }
        return (candidates, problems)
    }

    /// The catalog from the outcomes in search order: the first plugin of a name wins, later ones
    /// are refused as shadowed.
    private static func assemble(
        _ results: [Result<LoadedPlugin, PluginRefusal>], problems: [PluginRefusal],
        searchPath: PluginSearchPath
    ) -> PluginCatalog {
        var loaded: [LoadedPlugin] = []
        var refused = problems
        for result in results {
            switch result {
            case .success(let plugin):
                if let first = loaded.first(where: { $0.name == plugin.name }) {
                    refused.append(
                        PluginRefusal(path: plugin.path, reason: .shadowed(name: plugin.name, by: first.path))
                    )
                } else {
                    loaded.append(plugin)
                }
            case .failure(let refusal):
                refused.append(refusal)
            }
        }
        return PluginCatalog(loaded: loaded, refused: refused, searchPath: searchPath)
    }

    /// Whether `plugin` is one of the shipped set: found beside the agentws executable or among the
    /// installed plugins (`PluginSearchPath.shippedOrigins`).
    package func isShipped(_ plugin: LoadedPlugin) -> Bool {
        PluginSearchPath.shippedOrigins.contains(origin(of: plugin))
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
