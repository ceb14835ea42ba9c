import AgentwsCore
import AgentwsJSON
import Logging

/// Examines plugin files in plugin hosts (discovery under `plugins.isolation: process`): each file
/// gets the loader's checks and `dlopen` in a child, so a constructor that crashes or exits takes
/// down only that child. Files are examined one after the other in one host; when loading one kills
/// the host, that file is refused with how the host died and a new host goes on with the rest.
package enum PluginProbe {
    /// The outcome for each of `files` (path and the plugin directory it was found in), in order.
    package static func examine(
        _ files: [(path: String, directory: String)], settings: PluginHostSettings, logDirectory: String,
        logger: Logger
    ) async -> [Result<LoadedPlugin, PluginRefusal>] {
        var results: [Result<LoadedPlugin, PluginRefusal>] = []
        var host: PluginHost?
        for file in files {
            if host == nil || !(host?.isRunning ?? false) {
                do {
                    host = try PluginHost.launch(
                        label: "plugin host examining \(file.path)", purpose: "plugin discovery",
                        logPath: logDirectory.appendingPathComponent("plugin-probe.log"), settings: settings,
                        logger: logger)
                } catch {
                    results.append(
                        .failure(PluginRefusal(path: file.path, reason: .crashedHost(error.message))))
                    host = nil
                    continue
                }
            }
            guard let running = host else { continue }
            do {
                let answer = try await running.request(
                    PluginHostProtocol.probe,
                    ["path": .string(file.path), "directory": .string(file.directory)])
                if let reason = answer["refused"]?.stringValue {
                    results.append(.failure(PluginRefusal(path: file.path, reason: .refusedInHost(reason))))
                } else if let plugin = PluginHostProtocol.plugin(from: answer) {
                    results.append(.success(plugin))
                } else {
                    results.append(
                        .failure(
                            PluginRefusal(
                                path: file.path,
                                reason: .refusedInHost(
                                    "the plugin host answered \(ReplyFields.excerpt(answer))"))))
                }
            } catch {
                let how = running.howItDied ?? error.message
                results.append(.failure(PluginRefusal(path: file.path, reason: .crashedHost(how))))
                host = nil
            }
        }
        await host?.terminate()
        return results
    }
}
