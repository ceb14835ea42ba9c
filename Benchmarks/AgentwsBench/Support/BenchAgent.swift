import AgentProcess
import AgentwsSystem

/// One real agent of scripts/setup-test-agents run offline by the provider rows (9–12, 14): its
/// binary, named by an environment variable that scripts/bench sets, and its loopback model mock from
/// Tests/Peers, with directories of its own. `CodexSetup` and `ClaudeSetup` start through it.
struct BenchAgent: Sendable {
    /// The agent's name in messages and in `scripts/setup-test-agents --print-<name>`.
    let name: String
    /// The environment variable naming the agent's binary.
    let variable: String
    /// The mock in Tests/Peers that answers the agent's model requests.
    let mockScript: String
    /// The agent's configuration directory under the root (beside `home` and `project`).
    let configurationDirectory: String

    static let codex = BenchAgent(
        name: "codex", variable: "AGENTWS_BENCH_CODEX", mockScript: "mock_responses.py",
        configurationDirectory: "codex-home")
    static let claude = BenchAgent(
        name: "claude", variable: "AGENTWS_BENCH_CLAUDE", mockScript: "mock_messages.py",
        configurationDirectory: "claude-config")

    /// Reads the binary from `variable` and the repository from `AGENTWS_BENCH_REPO` (both absolute
    /// paths), makes `home`, the configuration directory and `project` under `root`, and starts the
    /// mock in `root`. The mock lives as long as the returned object.
    func start(root: String) throws -> (binary: String, mock: LoopbackMock) {
        let environment = Spawn.currentEnvironment()
        guard let binary = environment[variable], binary.hasPrefix("/"),
            let repository = environment["AGENTWS_BENCH_REPO"], repository.hasPrefix("/")
        else {
            throw BenchError(
                "the \(name) rows need \(variable) (the \(name) binary: scripts/setup-test-agents --print-\(name)) "
                    + "and AGENTWS_BENCH_REPO (this repository) as absolute paths; scripts/bench sets both")
        }
        for directory in ["home", configurationDirectory, "project"] {
            try Files.makeDirectories(root + "/" + directory)
        }
        let mock = try LoopbackMock(script: repository + "/Tests/Peers/" + mockScript, directory: root)
        return (binary, mock)
    }

    /// This process's environment with `variables` set on top: what a bare client's agent gets.
    static func environment(adding variables: [String: String]) -> [String: String] {
        var environment = Spawn.currentEnvironment()
        for (name, value) in variables { environment[name] = value }
        return environment
    }
}

/// A model mock of Tests/Peers (mock_responses.py, mock_messages.py) on 127.0.0.1, killed with this
/// object.
final class LoopbackMock {
    let port: Int
    private let process: ChildProcess

    init(script: String, directory: String) throws {
        let portFile = directory + "/mock.port"
        // The mock writes nothing but its port; its output goes to /dev/null so that no pipe fills.
        process = try ChildProcess.spawn(
            ProcessCommand(
                executable: "/bin/sh",
                arguments: [
                    "sh", "-c", "exec python3 \"$0\" --port-file \"$1\" --lifetime 7200 >/dev/null 2>&1",
                    script,
                    portFile,
                ],
                environment: Spawn.currentEnvironment(), directory: directory),
            name: "model mock")
        let deadline = MonotonicTime.now() + 20_000_000_000
        while true {
            if let bytes = Files.read(portFile),
                let port = Int(String(decoding: bytes, as: UTF8.self).trimmingCharacters())
            {
                self.port = port
                return
            }
            guard MonotonicTime.now() < deadline, !process.hasExited else {
                process.signalGroup(SIGKILL)
                _ = process.waitAndReap()
                throw BenchError("the model mock did not start (python3 \(script))")
            }
            usleep(20_000)
        }
    }

    deinit {
        process.signalGroup(SIGKILL)
        _ = process.waitAndReap()
    }
}
