import AgentwsJSON
import AgentwsPlugins
import ArgumentParser

/// `agentws`: per-project agent workspaces (SPEC §9).
@main
struct AgentwsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentws",
        abstract: "Per-project agent workspaces: threads bound to coding-agent providers, kept in git.",
        discussion: """
            Exit codes: 0 success · 1 failure · 3 not found · 4 conflict (provider switch, model change \
            refused, thread busy) · 5 invalid data (config, binding file) · 6 provider failure · 64 usage.
            """,
        version: AgentwsVersion.text,
        subcommands: [
            // Workspace
            InitCommand.self, ConfigCommand.self, DoctorCommand.self, MigrateCommand.self,
            // Threads
            ListCommand.self, ShowCommand.self, ForkCommand.self, ExportCommand.self, ImportCommand.self,
            // Sessions
            SendCommand.self, StopCommand.self, InterruptCommand.self, ResetCommand.self, UnbindCommand.self,
            ReapCommand.self,
            // The daemon and editors
            ServeCommand.self, AcpCommand.self,
            // Providers
            ProvidersCommand.self, PluginCommand.self, PluginHostCommand.self,
            // Git
            MergeDriverCommand.self, ResolveCommand.self,
        ]
    )

    /// Sets up logging before any command runs, then parses and runs as usual.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // First, while this process has one thread: it may fork.
        EarlyProviders.forkSpareIfLikely(arguments: arguments)
        LoggingSetup.bootstrap()
        // `--version --json` is answered here: the parser's built-in --version prints text only.
        EarlyProviders.begin(arguments: arguments)
        if Set(arguments) == ["--version", "--json"] {
            Terminal.json(AgentwsVersion.json)
            return
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// The version printed by `agentws --version`: agentws's own, the plugin ABI it speaks and the Swift
/// release it was built with (which Swift plugins must match).
enum AgentwsVersion {
    static let current = "0.1.0"

    static var text: String {
        "agentws \(current)\nplugin ABI \(PluginHostVersion.abi)\ntoolchain \(PluginHostVersion.toolchain)"
    }

    static var json: JSONValue {
        [
            "version": .string(current), "pluginABI": .string(PluginHostVersion.abi),
            "toolchain": .string(PluginHostVersion.toolchain),
        ]
    }
}
