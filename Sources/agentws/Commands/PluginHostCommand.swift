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

    func run() throws {
        let status = PluginHostServer.run()
        if status != 0 { throw ExitCode(status) }
    }
}
