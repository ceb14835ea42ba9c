import AgentProcess
import AgentwsSystem
import Logging

/// A plugin host made before anyone knows which instance it will serve: a copy of the one-shot
/// `agentws send` itself, forked first thing in `main`, so that the send does not wait for a new
/// program to start (the better part of an isolated send's extra time).
///
/// `main` forks one (`forkEarly`) when the send will likely need a host: plugin isolation forced by
/// `AGENTWS_PLUGINS_ISOLATION=process`, or an instance of the workspace ran in a plugin host the last
/// time it was created on this machine (`markerPath`, `markers`). The copy maps the plugin the
/// markers name ahead (`MarkedPlugin`) and waits for its instance; the instance's launch takes it
/// (`take`) instead of starting `agentws-plugin-host`, and a copy nobody takes is ended (`discard`):
/// its input closes and it exits. Android starts its apps from a forked "zygote" for the same reason.
package enum SparePluginHost {
    /// The copy, until it is taken or discarded, and the plugin file it mapped ahead.
    private static let copy = Locked<(process: ChildProcess, mappedAhead: String?)?>(nil)

    /// The file whose presence in an instance's state directory says that the instance last ran in
    /// a plugin host: made when an isolated instance is created, removed when an instance of that
    /// name is created in process. It names the plugin file its host loaded (`MarkedPlugin`).
    package static func markerPath(stateDirectory: String) -> String {
        stateDirectory.appendingPathComponent("runs-in-plugin-host")
    }

    /// Records in an instance's state directory that it runs in a plugin host, serving `plugin`.
    static func mark(stateDirectory: String, plugin: LoadedPlugin) {
        let path = markerPath(stateDirectory: stateDirectory)
        let bytes =
            (try? FileStamp.of(plugin.path)).flatMap { stamp in
                MarkedPlugin(path: plugin.path, directory: plugin.directory, stamp: stamp).encoded
            } ?? []
        // A hint: rewritten only when it changes, and not made durable (a lost one only guesses wrong).
        guard readMarker(path) != bytes else { return }
        try? AtomicFile.replace(bytes, path: path, durable: false, mode: 0o600)
    }

    /// What the markers of a workspace's instances say (`markers(providersDirectory:)`).
    package struct Markers: Equatable {
        /// Whether any instance last ran in a plugin host.
        package var any = false
        /// The plugin file the marked instances name, when they all name the same one, it lies in
        /// one of the directories asked for, and it has the stamp they give it: the one a copy maps
        /// ahead. (With two, the copy cannot know which its send will need.)
        package var plugin: MarkedPlugin?
    }

    /// The markers of the instances whose state is under `providersDirectory` (one directory per
    /// instance): a directory listing and a read per instance. A plugin file is named only from one
    /// of `mappable` (asked for only then): the directories discovery searches whatever the
    /// configuration says, since the guess is made before it is read and must never load a file
    /// discovery would not find.
    package static func markers(providersDirectory: String, mappable: () -> [String]) -> Markers {
        let named = ((try? SystemCalls.directoryEntries(providersDirectory).get()) ?? []).compactMap { name in
            readMarker(markerPath(stateDirectory: providersDirectory + "/" + name)).map(
                MarkedPlugin.init(marker:))
        }
        guard let first = named.first else { return Markers() }
        guard let plugin = first, named.allSatisfy({ $0 == plugin }), mappable().contains(plugin.directory),
            (try? FileStamp.of(plugin.path)) == plugin.stamp
        else { return Markers(any: true, plugin: nil) }
        return Markers(any: true, plugin: plugin)
    }

    /// Removes the markers of the instances under `providersDirectory` that `configured` does not
    /// name, when a copy was forked: an instance taken out of the configuration would otherwise make
    /// every send of the workspace fork a copy, mapping that instance's plugin, that no send takes.
    package static func forgetRemovedInstances(providersDirectory: String, configured: Set<String>) {
        guard copy.withLock({ $0 != nil }) else { return }
        for name in (try? SystemCalls.directoryEntries(providersDirectory).get()) ?? []
        where !configured.contains(name) {
            try? FileIO.removeIfPresent(markerPath(stateDirectory: providersDirectory + "/" + name))
        }
    }

    /// The first bytes of the marker at `path`, or nil when there is none. Every send of the
    /// workspace reads its markers, so a marker is never read past `MarkedPlugin.maximumMarkerSize`
    /// (a larger one names no plugin).
    private static func readMarker(_ path: String) -> [UInt8]? {
        try? SystemCalls.readPrefix(of: path, count: MarkedPlugin.maximumMarkerSize + 1).get()
    }

    /// Forks the copy (`ChildProcess.fork`), which runs `PluginHostServer.mainOfForkedCopy`, mapping
    /// `plugin` ahead when given. Only sound while this process has one thread: call it first thing
    /// in `main`.
    package static func forkEarly(mappingAhead plugin: MarkedPlugin?) {
        guard
            let forked = try? ChildProcess.fork(
                name: "spare plugin host", directory: "/",
                body: { PluginHostServer.mainOfForkedCopy(mappingAhead: plugin) })
        else { return }
        copy.withLock { $0 = (forked, plugin?.path) }
    }

    /// The copy, when there is one, a host started with `settings` would be the same (this
    /// program's own host, `PluginHostSettings.forThisProgram`, with this process's environment),
    /// and it mapped no plugin ahead but the one at `pluginPath`. It is no longer spare.
    static func take(matching settings: PluginHostSettings, pluginPath: String) -> ChildProcess? {
        guard copy.withLock({ $0 != nil }),
            let own = PluginHostSettings.forThisProgram(callTimeout: settings.callTimeout),
            own.executable == settings.executable, own.arguments == settings.arguments,
            own.environment == settings.environment
        else { return nil }
        guard
            let taken = copy.withLock({ copy in
                defer { copy = nil }; return copy
            })
        else { return nil }
        // A copy that died waiting (killed from outside, or by the plugin it mapped) would fail the
        // send's `create`, and one that mapped another plugin would serve it with that plugin's code
        // loaded (whose misdeeds would be reported as this one's): the send starts a host of its own.
        guard taken.mappedAhead ?? pluginPath == pluginPath, !taken.process.hasExited else {
            discard(taken.process)
            return nil
        }
        return taken.process
    }

    /// Ends the copy nobody took, if any: it sees its input end before any request and exits. It
    /// is not waited for; the init process reaps it once this command has exited.
    package static func discard() {
        discard(
            copy.withLock { copy in
                defer { copy = nil }; return copy
            }?.process)
    }

    private static func discard(_ discarded: ChildProcess?) {
        guard let discarded else { return }
        discarded.closeInput()
        close(discarded.standardOutput)
        close(discarded.standardError)
    }
}
