import Foundation

/// What the real-agent tests need besides the build: the agent binaries scripts/setup-test-agents
/// installs, and python3 for the model mocks in Tests/Peers. A missing one is a test failure with a
/// message saying how to get it, never a skip.
package enum AgentTools {
    /// How long scripts/setup-test-agents may take: on a fresh checkout it installs from PyPI.
    package static let installLimit: Duration = .seconds(1800)

    /// A real agent binary: `$variable` when set, else what `scripts/setup-test-agents FLAG` prints
    /// (it installs the pinned version into .venv-agents when missing). `what` names it in messages.
    package static func agent(flag: String, variable: String, what: String) -> Result<String, TestFailure> {
        if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                return .failure(TestFailure("\(variable)=\(path) is not an executable file"))
            }
            return .success(path)
        }
        let script = BuildProducts.repositoryRoot + "/scripts/setup-test-agents"
        let output: ProcessOutcome
        do {
            output = try ChildProcess.run(script, [flag], limit: AgentTools.installLimit)
        } catch {
            return .failure(TestFailure("cannot run \(script): \(error)"))
        }
        let path = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.status == 0, FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(
                TestFailure(
                    "these tests need the real \(what) and could not get it: \(script) \(flag) exited "
                        + "\(output.status) printing \"\(path)\"; its stderr:\n\(output.stderr)\nRun "
                        + "scripts/setup-test-agents (needs python3 with venv and access to PyPI), or set "
                        + "\(variable) to its path."))
        }
        return .success(path)
    }

    /// python3 from PATH, for the model mocks.
    package static func python() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestFailure(
            "these tests need python3 on PATH for the model mocks in Tests/Peers; none on \(path)")
    }

    /// A model mock in Tests/Peers.
    package static func peer(_ script: String) -> String {
        BuildProducts.repositoryRoot + "/Tests/Peers/" + script
    }
}
