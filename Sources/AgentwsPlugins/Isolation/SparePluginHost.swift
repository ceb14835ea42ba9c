import AgentProcess
import AgentwsSystem
import Logging

/// A plugin host made before anyone knows which instance it will serve: a copy of the one-shot
/// `agentws send` itself, forked first thing in `main`, so that the send does not wait for a new
/// program to start (the better part of an isolated send's extra time).
///
/// `main` forks one (`forkEarly`) when the send will likely need a host: plugin isolation forced by
/// `AGENTWS_PLUGINS_ISOLATION=process`, or an instance of the workspace ran in a plugin host the last
/// time it was created on this machine (`markerPath`, `anyInstanceMarked`). The copy waits for its
/// instance; the instance's launch takes it (`take`) instead of starting `agentws-plugin-host`, and
/// a copy nobody takes is ended (`discard`): its input closes and it exits without having loaded
/// anything. Android starts its apps from a forked "zygote" for the same reason.
package enum SparePluginHost {
    /// The copy, until it is taken or discarded.
    private static let copy = Locked<ChildProcess?>(nil)

    /// The file whose presence in an instance's state directory says that the instance last ran in
    /// a plugin host: made when an isolated instance is created, removed when an instance of that
    /// name is created in process.
    package static func markerPath(stateDirectory: String) -> String {
        stateDirectory.appendingPathComponent("runs-in-plugin-host")
    }

    /// Records in an instance's state directory that it runs in a plugin host.
    static func mark(stateDirectory: String) {
        let path = markerPath(stateDirectory: stateDirectory)
        // A hint: made only when missing, and not made durable (a lost one only guesses wrong).
        guard !FileIO.exists(path) else { return }
        try? AtomicFile.replace([], path: path, durable: false, mode: 0o600)
    }

    /// Whether any instance whose state is under `providersDirectory` (one directory per instance)
    /// last ran in a plugin host: a directory listing and a `stat` per instance.
    package static func anyInstanceMarked(providersDirectory: String) -> Bool {
        guard let directory = opendir(providersDirectory) else { return false }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            if FileIO.exists(markerPath(stateDirectory: providersDirectory + "/" + name)) { return true }
        }
        return false
    }

    /// Forks the copy (`ChildProcess.fork`), which runs `PluginHostServer.mainOfForkedCopy`. Only
    /// sound while this process has one thread: call it first thing in `main`.
    package static func forkEarly() {
        guard
            let forked = try? ChildProcess.fork(
                name: "spare plugin host", directory: "/", body: PluginHostServer.mainOfForkedCopy)
        else { return }
        copy.withLock { $0 = forked }
    }

    /// The copy, when there is one and a host started with `settings` would be the same: this
    /// program's own host (`PluginHostSettings.forThisProgram`) with this process's environment. It
    /// is no longer spare.
    static func take(matching settings: PluginHostSettings) -> ChildProcess? {
        guard copy.withLock({ $0 != nil }),
            let own = PluginHostSettings.forThisProgram(callTimeout: settings.callTimeout),
            own.executable == settings.executable, own.arguments == settings.arguments,
            own.environment == settings.environment
        else { return nil }
        let taken = copy.withLock { copy in
            defer { copy = nil }; return copy
        }
        // A copy that died waiting (killed from outside) would fail the send's `create`: the send
        // starts a host of its own instead.
        guard let taken, !taken.hasExited else {
            discard(taken)
            return nil
        }
        return taken
    }

    /// Ends the copy nobody took, if any: it sees its input end before any request and exits. It
    /// is not waited for; the init process reaps it once this command has exited.
    package static func discard() {
        discard(
            copy.withLock { copy in
                defer { copy = nil }; return copy
            })
    }

    private static func discard(_ discarded: ChildProcess?) {
        guard let discarded else { return }
        discarded.closeInput()
        close(discarded.standardOutput)
        close(discarded.standardError)
    }
}
