import AgentwsTestSupport
import Foundation

/// What these tests run: the real codex binary, python for the model mock, and the built products.
/// A missing one is a test failure with a message saying how to get it, never a skip.
enum TestTools {
    static var repositoryRoot: String { BuildProducts.repositoryRoot }
    static var buildDirectory: String { BuildProducts.directory }
    static var agentws: String { BuildProducts.agentws }
    static var mockScript: String { repositoryRoot + "/Tests/Peers/mock_responses.py" }

    /// Checks that `swift build` has produced the CLI and the plugin.
    static func requireBuildProducts() throws {
        try BuildProducts.require(libraries: ["libAgentwsCodex.so"])
    }

    /// The codex binary: `$AGENTWS_TEST_CODEX`, else what `scripts/setup-test-agents --print-codex`
    /// prints (it installs the pinned version into .venv-agents when missing).
    static func codex() throws -> String {
        try codexPath.get()
    }

    private static let codexPath: Result<String, TestFailure> = {
        if let path = ProcessInfo.processInfo.environment["AGENTWS_TEST_CODEX"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                return .failure(TestFailure("AGENTWS_TEST_CODEX=\(path) is not an executable file"))
            }
            return .success(path)
        }
        let script = repositoryRoot + "/scripts/setup-test-agents"
        let output: (status: Int32, stdout: String, stderr: String)
        do {
            output = try BuildProducts.runToEnd(script, ["--print-codex"])
        } catch {
            return .failure(TestFailure("cannot run \(script): \(error)"))
        }
        let path = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.status == 0, FileManager.default.isExecutableFile(atPath: path) else {
            return .failure(
                TestFailure(
                    "the codex tests need the real codex binary and could not get it: \(script) "
                        + "--print-codex exited \(output.status) printing \"\(path)\"; its stderr:\n"
                        + "\(output.stderr)\nRun scripts/setup-test-agents (needs python3 with venv and "
                        + "access to PyPI), or set AGENTWS_TEST_CODEX to a codex 0.163.0 binary."))
        }
        return .success(path)
    }()

    /// python3 from PATH, for the model mock.
    static func python() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestFailure(
            "the codex tests need python3 on PATH for Tests/Peers/mock_responses.py; none on \(path)")
    }
}
