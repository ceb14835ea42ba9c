import AgentwsTestSupport
import Foundation

/// The real ACP agents these tests run, from the venv scripts/setup-test-agents installs (pinned in
/// Tests/Peers/acp-agents-requirements.txt). A missing one is a test failure saying how to get it,
/// never a skip.
enum ACPAgents {
    /// The venv: `$AGENTWS_TEST_ACP_AGENTS`, else what `scripts/setup-test-agents --print-acp-agents`
    /// prints (it installs the pinned agents when they are missing).
    static func venv() throws -> String { try venvPath.get() }

    /// `fast-agent-acp` (fast-agent-mcp 0.10.48).
    static func fastAgent() throws -> String { try executable(try venv() + "/bin/fast-agent-acp") }

    /// The venv's python, which has the ACP SDK the example agents import.
    static func python() throws -> String { try executable(try venv() + "/bin/python") }

    /// An example agent of the ACP Python SDK's sdist: `echo_agent.py` or `agent.py`.
    static func sdkExample(_ name: String) throws -> String {
        let path = try venv() + "/acp-examples/" + name
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestFailure("\(path) is missing: run scripts/setup-test-agents")
        }
        return path
    }

    /// python3 from PATH, for the hostile agents in Tests/Peers (standard library only).
    static func systemPython() throws -> String { try AgentTools.python() }

    static func peer(_ name: String) -> String { AgentTools.peer(name) }

    private static func executable(_ path: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("\(path) is missing or not executable: run scripts/setup-test-agents")
        }
        return path
    }

    private static let venvPath: Result<String, TestFailure> = {
        if let path = ProcessInfo.processInfo.environment["AGENTWS_TEST_ACP_AGENTS"], !path.isEmpty {
            return .success(path)
        }
        let script = BuildProducts.repositoryRoot + "/scripts/setup-test-agents"
        let output: ProcessOutcome
        do {
            output = try ChildProcess.run(script, ["--print-acp-agents"], limit: AgentTools.installLimit)
        } catch {
            return .failure(TestFailure("cannot run \(script): \(error)"))
        }
        let path = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.status == 0, FileManager.default.fileExists(atPath: path + "/bin/fast-agent-acp") else {
            return .failure(
                TestFailure(
                    "the acp tests need the real ACP agents and could not get them: \(script) "
                        + "--print-acp-agents exited \(output.status) printing \"\(path)\"; its stderr:\n"
                        + "\(output.stderr)\nRun scripts/setup-test-agents (needs Python 3.12 and access to "
                        + "PyPI), or set AGENTWS_TEST_ACP_AGENTS to a venv made from "
                        + "Tests/Peers/acp-agents-requirements.txt."))
        }
        return .success(path)
    }()
}
