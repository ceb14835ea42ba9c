import AgentwsJSON
import AgentwsPlugins
import AgentwsTestSupport
import Foundation
import Logging
import Testing

/// A temporary agentws workspace whose `codex` provider runs the real codex app-server against a
/// model mock of its own (Tests/Peers/mock_responses.py), with its own HOME and CODEX_HOME.
final class CodexWorkspace: AgentWorkspace {
    let codex: String
    var codexHome: String { root + "/codex-home" }

    /// Sets up the directories, starts the mock and writes the configuration. `options` are added
    /// to (or replace) the provider options that point codex at the mock.
    init(options: [String: JSONValue] = [:]) throws {
        codex = try Self.codexPath.get()
        try super.init(
            name: "codex", plugin: "libAgentwsCodex.so", mockScript: "mock_responses.py",
            directories: ["codex-home"], processMarker: { root in "CODEX_HOME=\(root)/codex-home" })
        var merged = providerOptions
        for (key, value) in options { merged[key] = value }
        try writeConfig(options: merged)
    }

    /// The codex binary: `$AGENTWS_TEST_CODEX`, else what `scripts/setup-test-agents --print-codex`
    /// prints.
    private static let codexPath = AgentTools.agent(
        flag: "--print-codex", variable: "AGENTWS_TEST_CODEX", what: "codex binary (codex 0.163.0)")

    /// The options that run the venv's codex against the mock (docs/providers/codex-protocol-notes.md §1).
    var providerOptions: [String: JSONValue] {
        let package = URL(fileURLWithPath: codex).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let provider =
            "{name=\"mock\", base_url=\"http://127.0.0.1:\(mock.port)/v1\", wire_api=\"responses\", "
            + "requires_openai_auth=false, request_max_retries=0, stream_max_retries=0}"
        return [
            "command": [.string(codex), "app-server"],
            // The plugins feature looks up chatgpt.com and api.github.com at start.
            "args": ["--disable", "plugins"],
            "config": ["model_provider": "mock", "model_providers.mock": .string(provider)],
            "env": [
                "HOME": .string(root + "/home"), "CODEX_HOME": .string(codexHome),
                "PATH": .string("\(package)/codex-path:\(package)/codex-resources:/usr/bin:/bin"),
            ],
        ]
    }

    /// Writes `.agentws/config.yaml` with the codex provider.
    func writeConfig(options: [String: JSONValue]) throws {
        try writeConfig(provider: "codex", defaultModel: "mock-model", options: options)
    }

    /// Writes a codex binding by hand, as a teammate's commit or an old checkout would bring it.
    func writeBinding(_ thread: String, cursor: JSONValue?, runtimeMode: String? = nil) throws {
        try writeBinding(
            thread, provider: "codex", model: "mock-model", cursor: cursor, runtimeMode: runtimeMode)
    }

    /// The codex thread id in `thread`'s binding.
    func cursorThread(_ thread: String) throws -> String {
        try #require(
            try binding(thread)["resumeCursor"]?["threadId"]?.stringValue, "no codex cursor in \(thread)")
    }

    /// The codex plugin through the loader and `PluginProvider`, as a daemon holds it, with this
    /// workspace's provider options plus `options`.
    func pluginProvider(options: [String: JSONValue] = [:]) throws -> PluginProvider {
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [BuildProducts.directory]))
        let plugin = try #require(
            catalog.plugin(named: "codex"), "codex plugin not found: \(catalog.refused)")
        var merged = providerOptions
        for (key, value) in options { merged[key] = value }
        return try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: "codex", options: .object(merged), workspace: workspace),
            logger: Logger(label: "codex-test") { _ in SwiftLogNoOpLogHandler() })
    }

    /// The plugin's stderr log.
    var stderrLog: String { providerLog("codex/codex-stderr.log") }

    // MARK: codex processes

    /// The live processes started with this workspace's CODEX_HOME: codex and whatever it runs.
    func codexProcesses() -> [pid_t] { agentProcesses() }

    /// The live `codex app-server` processes of this workspace (not what they run: codex starts a
    /// shell of its own now and then, which inherits its environment, and until that child has
    /// called `exec` it still shows the app-server's command line, so a child of an app-server is
    /// not counted).
    func appServers() -> [pid_t] {
        let servers = codexProcesses().filter { pid in
            let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            return command.split(separator: 0).prefix(2).map { String(decoding: $0, as: UTF8.self) }.last
                == "app-server"
        }
        return servers.filter { pid in ProcessScan.parent(of: pid).map { !servers.contains($0) } ?? false }
    }

    /// Waits until no codex of this workspace runs any more.
    func codexGone(within limit: Duration = .seconds(15)) -> Bool { agentsGone(within: limit) }

    /// Waits for the one codex process of this workspace and returns its pid.
    func runningCodex(within limit: Duration = .seconds(30)) throws -> pid_t {
        try runningAgent(within: limit)
    }
}

/// The Responses API requests mock_responses.py logged.
enum ResponsesMock {
    /// The texts of the request's messages of `role`, in order (codex's injected context included).
    static func texts(_ request: JSONValue, role: String) -> [String] {
        (request["body"]?["input"]?.arrayValue ?? []).filter { $0["role"]?.stringValue == role }.map { item in
            (item["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
        }
    }
}
