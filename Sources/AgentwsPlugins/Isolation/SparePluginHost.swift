import AgentwsSystem
import Logging

/// A plugin host started before anyone knows which instance it will serve, so that its start (the
/// better part of a one-shot send's extra time under isolation) overlaps the command's own start.
///
/// A one-shot `agentws send` starts one (`start`) before it has read its configuration when the
/// send will most likely need one: plugin isolation forced by `AGENTWS_PLUGINS_ISOLATION=process`,
/// or the instance the send uses ran in a plugin host the last time it was created on this machine
/// (`markerPath`). The instance's launch takes it (`take`, `PluginHost.adopt`) instead of starting
/// a host of its own; a spare nobody takes is ended (`discard`), and one left at the command's exit
/// ends with it (its input closes). Chromium keeps a spare renderer process for the same reason.
package enum SparePluginHost {
    private static let slot = Locked<(settings: PluginHostSettings, host: PluginHost)?>(nil)

    /// The file whose presence in an instance's state directory says that the instance last ran in
    /// a plugin host: made when an isolated instance is created, removed when an instance of that
    /// name is created in process. It holds the plugin file and its directory, one per line, which
    /// a spare maps ahead (`PluginHostServer.Preload`).
    package static func markerPath(stateDirectory: String) -> String {
        stateDirectory.appendingPathComponent("runs-in-plugin-host")
    }

    /// Records in instance's state directory that it runs in a plugin host, serving `plugin`.
    static func mark(stateDirectory: String, plugin: LoadedPlugin) {
        let path = markerPath(stateDirectory: stateDirectory)
        let bytes = Array((plugin.path + "\n" + plugin.directory + "\n").utf8)
        // A hint: rewritten only when it changes, and not made durable (a lost one only guesses wrong).
        guard (try? FileIO.readIfPresent(path)) != bytes else { return }
        try? AtomicFile.replace(bytes, path: path, durable: false, mode: 0o600)
    }

    /// The plugin the marker at `path` names, if it names one.
    package static func markedPlugin(_ path: String) -> PluginHostServer.Preload? {
        guard let bytes = try? FileIO.readIfPresent(path) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        guard lines.count == 2, lines.allSatisfy({ $0.hasPrefix("/") }) else { return nil }
        return PluginHostServer.Preload(path: lines[0], directory: lines[1])
    }

    /// Starts a spare host unless there is one, mapping `preload` ahead when given. Until it serves
    /// an instance its standard error is logged in `logDirectory/plugin-host.log`.
    package static func start(
        settings: PluginHostSettings, preload: PluginHostServer.Preload? = nil, logDirectory: String,
        logger: Logger
    ) {
        guard slot.withLock({ $0 == nil }) else { return }
        var started = settings
        started.arguments += preload?.arguments ?? []
        guard
            let host = try? PluginHost.spawn(
                label: "spare plugin host", purpose: "a send that will likely need one",
                logPath: logDirectory.appendingPathComponent("plugin-host.log"), settings: started,
                logger: logger)
        else { return }
        let kept = slot.withLock { slot -> Bool in
            guard slot == nil else { return false }
            slot = (settings, host)
            return true
        }
        if !kept { host.release() }
    }

    /// The spare, when one runs that was started as `settings` would start it; it is no longer spare.
    static func take(matching settings: PluginHostSettings) -> PluginHost? {
        slot.withLock { slot in
            guard let spare = slot, spare.settings.executable == settings.executable,
                spare.settings.arguments == settings.arguments,
                spare.settings.environment == settings.environment
            else { return nil }
            slot = nil
            return spare.host
        }
    }

    /// Whether a spare waits to be taken.
    package static var isWaiting: Bool { slot.withLock { $0 != nil } }

    /// Ends the spare nobody took, if any.
    package static func discard() {
        slot.withLock { slot in
            defer { slot = nil }; return slot?.host
        }?.release()
    }
}
