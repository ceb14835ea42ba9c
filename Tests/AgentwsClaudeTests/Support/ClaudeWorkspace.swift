import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Logging
import Testing

/// A temporary agentws workspace whose `claude` provider runs the real Claude Code (bundled in
/// claude-agent-sdk) against a loopback Messages API mock (Tests/Peers/mock_messages.py), with its
/// own HOME and Claude configuration directory: nothing of the machine's user is read or written,
/// and nothing leaves 127.0.0.1.
final class ClaudeWorkspace: AgentWorkspace {
    /// The dummy key claude gets; it must never show up in a file agentws writes.
    static let apiKey = "sk-ant-test-dummy-key-0123456789"

    let claude: String
    /// Claude's configuration directory (`config_dir`): its transcripts are under `projects/`.
    var claudeHome: String { root + "/claude-config" }

    /// Sets up the directories, starts the mock and writes the configuration. `options` are added
    /// to (or replace) the provider options that point claude at the mock.
    init(options: [String: JSONValue] = [:]) throws {
        claude = try Self.claudePath.get()
        try super.init(
            name: "claude", plugin: "libAgentwsClaude.so", mockScript: "mock_messages.py",
            directories: ["claude-config"],
            processMarker: { root in "CLAUDE_CONFIG_DIR=\(root)/claude-config" })
        var merged = providerOptions
        for (key, value) in options { merged[key] = value }
        try writeConfig(provider: "claude", defaultModel: "mock-model", options: merged)
    }

    /// The claude binary: `$AGENTWS_TEST_CLAUDE`, else what `scripts/setup-test-agents --print-claude`
    /// prints.
    private static let claudePath = AgentTools.agent(
        flag: "--print-claude", variable: "AGENTWS_TEST_CLAUDE",
        what: "claude binary (Claude Code 2.1.332 from claude-agent-sdk 0.2.189)")

    /// The options that run the venv's claude against the mock, offline
    /// (docs/providers/claude-protocol-notes.md §1).
    var providerOptions: [String: JSONValue] {
        [
            "command": [.string(claude)],
            "config_dir": .string(claudeHome),
            "env": [
                "HOME": .string(root + "/home"),
                "ANTHROPIC_BASE_URL": .string("http://127.0.0.1:\(mock.port)"),
                "ANTHROPIC_API_KEY": .string(Self.apiKey),
                "DISABLE_AUTOUPDATER": "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
                "PATH": "/usr/bin:/bin",
            ],
        ]
    }

    /// The Claude session id in `thread`'s binding.
    func sessionID(_ thread: String) throws -> String {
        try #require(
            try binding(thread)["resumeCursor"]?["sessionId"]?.stringValue, "no claude cursor in \(thread)")
    }

    /// The plugin's stderr log.
    var stderrLog: String { providerLog("claude/claude-stderr.log") }

    /// Claude's transcript of `session` for a working directory `cwd`, under `home`.
    static func transcriptPath(home: String, cwd: String, session: String) -> String {
        let encoded = String(cwd.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        return "\(home)/projects/\(encoded)/\(session).jsonl"
    }

    /// The plugin through the loader and `PluginProvider`, as a daemon would hold it.
    func provider(options: [String: JSONValue] = [:]) throws -> PluginProvider {
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [BuildProducts.directory]))
        let plugin = try #require(
            catalog.plugin(named: "claude"), "claude plugin not found: \(catalog.refused)")
        var merged = providerOptions
        for (key, value) in options { merged[key] = value }
        return try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: "claude", options: .object(merged), workspace: workspace),
            logger: Logger(label: "claude-test") { _ in SwiftLogNoOpLogHandler() })
    }

    // MARK: what claude sent

    /// The conversation requests (streamed `POST /v1/messages`), oldest first: not the token counts
    /// and one-token model checks Claude makes besides.
    func turnRequests() throws -> [JSONValue] {
        try mock.requests().filter { request in
            (request["path"]?.stringValue ?? "").hasPrefix("/v1/messages?")
                && request["body"]?["stream"] == true
        }
    }

    /// The texts the user typed in a request's messages, in order (Claude's injected context left out).
    static func userTexts(_ request: JSONValue) -> [String] {
        (request["body"]?["messages"]?.arrayValue ?? []).filter { $0["role"] == "user" }.compactMap {
            message in
            let parts: [String]
            if let text = message["content"]?.stringValue {
                parts = [text]
            } else {
                parts = (message["content"]?.arrayValue ?? []).filter { $0["type"] == "text" }
                    .compactMap { $0["text"]?.stringValue }
            }
            let typed = parts.filter { !$0.hasPrefix("<") && !$0.hasPrefix("[Request interrupted") }.joined()
            return typed.isEmpty ? nil : typed
        }
    }
}
