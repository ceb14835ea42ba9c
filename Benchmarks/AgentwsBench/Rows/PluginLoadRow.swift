import AgentwsJSON
import AgentwsPlugins
import Logging

/// Row 4: load one plugin — the checks of SPEC §8.2, `dlopen`, the magic and entry checks, and
/// `create` — in a fresh process each time, for the Swift echo plugin and the C one, alternately.
enum PluginLoadRow {
    /// The plugins measured: (plugin name, library file).
    static let plugins = [("echo", "libAgentwsEcho.so"), ("c-echo", "libAgentwsCEcho.so")]

    static func run(_ settings: Settings) async throws -> RowReport {
        let runs = settings.size(41, quick: 6)
        var report = RowReport(number: 4, title: "load one plugin (checks + dlopen + create), fresh process")
        let root = settings.scratch + "/row4"
        // One directory per plugin, holding only that plugin, so discovery opens nothing else.
        var directories: [String] = []
        for (name, file) in plugins {
            let directory = root + "/plugins/" + name
            try Files.makeDirectories(directory)
            guard let library = Files.read(settings.buildDirectory + "/" + file) else {
                throw BenchError("\(settings.buildDirectory)/\(file) is missing; build the \(file) product")
            }
            try Files.write(library, to: directory + "/" + file)
            directories.append(directory)
        }
        try Files.makeDirectories(root + "/workspace")
        let executable = try BenchExecutable.path()

        var times: [[Double]] = plugins.map { _ in [] }
        for run in 0..<runs {
            for offset in 0..<plugins.count {
                let which = (run + offset) % plugins.count
                let outcome = try Spawn.run(
                    executable,
                    [
                        "load-plugin", "--directory", directories[which], "--plugin", plugins[which].0,
                        "--workspace", root + "/workspace",
                    ], captureOutput: true, quietErrors: false)
                let text = String(decoding: outcome.output, as: UTF8.self).trimmingCharacters()
                guard outcome.succeeded, let nanoseconds = Double(text) else {
                    throw BenchError("loading \(plugins[which].0) in a child process failed: \(text)")
                }
                // The first run of each warms the page cache with the library file; it is dropped.
                if run >= plugins.count { times[which].append(nanoseconds / 1_000) }
            }
        }
        for (index, (name, _)) in plugins.enumerated() {
            report.lines.append(
                ResultLine(
                    label: name == "echo" ? "Swift echo plugin" : "C plugin (c-echo)",
                    value: Summary(times[index]),
                    unit: .microseconds, target: .atMost(1_000)))
        }
        report.checks.append("each load found the plugin by name and its create succeeded")
        report.notes.append(
            "timed inside a fresh child process: discovery of a directory holding only that plugin (path, "
                + "owner and mode checks, ELF header), dlopen(RTLD_NOW), magic and entry table, state "
                + "directory, create")
        return report
    }
}

/// `agentws-bench load-plugin`: the child side of row 4. Prints the nanoseconds taken.
enum PluginLoadChild {
    static func run(directory: String, plugin name: String, workspace: String) throws -> UInt64 {
        let quiet = Logger(label: "agentws-bench") { _ in SwiftLogNoOpLogHandler() }
        let start = MonotonicTime.now()
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [directory]), logger: quiet)
        guard let plugin = catalog.plugin(named: name) else {
            throw BenchError(
                "plugin \(name) was not loaded: " + catalog.refused.map(\.description).joined(separator: "; ")
            )
        }
        let provider = try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: name, options: .object([:]), workspace: workspace),
            logger: quiet)
        let elapsed = MonotonicTime.now() - start
        withExtendedLifetime(provider) {}
        return elapsed
    }
}
