import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Testing

/// A temporary agentws workspace whose `codex` provider runs the real codex app-server against a
/// model mock of its own, with its own HOME and CODEX_HOME: nothing of the machine's user is read
/// or written, and nothing leaves 127.0.0.1.
final class CodexWorkspace {
    let root: String
    let workspace: String
    let codexHome: String
    let mock: ResponsesMock
    let codex: String
    private let environment: [String: String]

    /// Sets up the directories, starts the mock and writes the configuration. `options` are added
    /// to (or replace) the provider options that point codex at the mock.
    init(options: [String: JSONValue] = [:]) throws {
        try TestTools.requireBuildProducts()
        codex = try TestTools.codex()
        root =
            FileManager.default.temporaryDirectory.path + "/agentws-codex-"
            + UUID().uuidString.prefix(12).lowercased()
        workspace = root + "/project"
        codexHome = root + "/codex-home"
        for directory in [workspace, codexHome, root + "/home", root + "/agentws-home"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        mock = try ResponsesMock(directory: root)
        var environment = ProcessInfo.processInfo.environment
        // agentws itself must not see the developer's configuration or plugins either.
        environment["XDG_CONFIG_HOME"] = root + "/agentws-home/.config"
        environment["HOME"] = root + "/agentws-home"
        for key in environment.keys where key.hasPrefix("AGENTWS_") { environment[key] = nil }
        self.environment = environment

        let initialised = try run("init")
        guard initialised.status == 0 else { throw TestFailure("agentws init failed: \(initialised)") }
        var merged = providerOptions
        for (key, value) in options { merged[key] = value }
        try writeConfig(options: merged)
    }

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

    /// Writes `.agentws/config.yaml`; JSON is YAML, so the options go in as written.
    func writeConfig(options: [String: JSONValue]) throws {
        let config = """
            models:
              default: codex/mock-model
            providers:
              codex:
                plugin: codex
                options: \(JSONWriter.compactString(.object(options)))

            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: workspace + "/.agentws/config.yaml"))
    }

    /// Stops the mock, ends any codex left over (a test failure elsewhere) and removes the files.
    func close() {
        for pid in codexProcesses() { kill(pid, SIGKILL) }
        mock.stop()
        try? FileManager.default.removeItem(atPath: root)
    }

    // MARK: agentws

    /// Runs `agentws ARGUMENTS` in the workspace and waits for it.
    @discardableResult
    func run(_ arguments: String...) throws -> RunningCommand.Outcome {
        try start(arguments).finish()
    }

    /// Starts `agentws ARGUMENTS` in the workspace.
    func start(_ arguments: [String]) throws -> RunningCommand {
        try RunningCommand(arguments, directory: workspace, environment: environment)
    }

    /// The binding file of `thread`, as text.
    func bindingText(_ thread: String) -> String? {
        try? String(contentsOfFile: workspace + "/.agentws/bindings/\(thread).json", encoding: .utf8)
    }

    /// The binding of `thread`, parsed.
    func binding(_ thread: String) throws -> JSONValue {
        let text = try #require(bindingText(thread), "no binding for \(thread)")
        return try JSONParser.parse(text)
    }

    /// What `agentws show --json` reports of `thread`: `status` (live, stopped, error) and
    /// `lastError` are this machine's, never in the binding file.
    func shown(_ thread: String) throws -> JSONValue {
        let result = try run("show", "--json", thread)
        guard result.status == 0 else { throw TestFailure("show \(thread) failed: \(result)") }
        return try JSONParser.parse(result.stdout)
    }

    /// Writes a binding by hand, as a teammate's commit or an old checkout would bring it.
    func writeBinding(_ thread: String, cursor: JSONValue?, runtimeMode: String? = nil) throws {
        let binding: JSONValue = [
            "schemaVersion": 2, "threadId": .string(thread), "provider": "codex", "model": "mock-model",
            "resumeCursor": cursor ?? .null, "cwd": ".", "runtimeMode": .optional(runtimeMode),
            "parent": .null, "createdAt": "2026-01-02T03:04:05Z",
        ]
        try Data(JSONWriter.canonical(binding)).write(
            to: URL(fileURLWithPath: workspace + "/.agentws/bindings/\(thread).json"))
    }

    /// The codex thread id in `thread`'s binding.
    func cursorThread(_ thread: String) throws -> String {
        try #require(
            try binding(thread)["resumeCursor"]?["threadId"]?.stringValue, "no codex cursor in \(thread)")
    }

    /// The plugin's stderr log.
    var stderrLog: String {
        (try? String(
            contentsOfFile: workspace + "/.agentws/state/providers/codex/codex-stderr.log", encoding: .utf8))
            ?? ""
    }

    // MARK: codex processes

    /// The live processes started with this workspace's CODEX_HOME: codex and whatever it runs.
    func codexProcesses() -> [pid_t] {
        ProcessScan.processes(withEnvironment: "CODEX_HOME=\(codexHome)")
    }

    /// Waits until no codex of this workspace runs any more; false if one is still there after `limit`.
    func codexGone(within limit: Duration = .seconds(15)) -> Bool {
        ProcessScan.gone(withEnvironment: "CODEX_HOME=\(codexHome)", within: limit)
    }

    /// Waits for the one codex process of this workspace and returns its pid.
    func runningCodex(within limit: Duration = .seconds(30)) throws -> pid_t {
        let deadline = ContinuousClock.now + limit
        while true {
            let processes = codexProcesses()
            if processes.count == 1, let pid = processes.first { return pid }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("expected one codex process, found \(processes)")
            }
            usleep(20_000)
        }
    }
}
