import AgentwsPlugins
import ArgumentParser

/// `agentws plugin-host`: the child process that serves one provider instance's plugin under
/// `plugins.isolation: process` (docs/plugin-abi.md, "Isolation"). agentws starts it and speaks to it
/// over its standard input and output; it is not meant to be run by hand.
struct PluginHostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin-host",
        abstract: "Serve a plugin for agentws over standard input and output (started by agentws).",
        shouldDisplay: false)

    @Option(help: "A plugin file to map before the first request (a spare host's guess).")
    var preload: String?

    @Option(name: .customLong("preload-directory"), help: "The plugin directory of --preload.")
    var preloadDirectory: String?

    func run() throws {
        let status = PluginHostServer.run(
            preload: preload.flatMap { path in
                preloadDirectory.map { PluginHostServer.Preload(path: path, directory: $0) }
            })
        if status != 0 { throw ExitCode(status) }
    }
}
