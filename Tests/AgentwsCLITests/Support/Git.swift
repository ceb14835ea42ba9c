import Foundation
import Testing

extension CLIHarness {
    /// Runs `git ARGUMENTS` in `directory` (the workspace root by default) with a fixed identity and
    /// the harness's environment (its own HOME), and returns its standard output.
    @discardableResult
    func git(
        _ arguments: String..., in directory: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory ?? root] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        var environment = self.environment
        environment["GIT_AUTHOR_NAME"] = "test"
        environment["GIT_AUTHOR_EMAIL"] = "test@example.invalid"
        environment["GIT_COMMITTER_NAME"] = "test"
        environment["GIT_COMMITTER_EMAIL"] = "test@example.invalid"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        process.environment = environment
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)", sourceLocation: sourceLocation)
        return String(decoding: data, as: UTF8.self)
    }

    /// `git status --porcelain` of the binding files: empty when nothing changed.
    func bindingChanges(in directory: String? = nil) throws -> String {
        try git("status", "--porcelain", ".agentws/bindings", in: directory)
    }
}

extension CLIHarness {
    /// Runs git and returns its status and both streams, for commands expected to fail.
    func gitStatus(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        var environment = self.environment
        environment["GIT_AUTHOR_NAME"] = "test"
        environment["GIT_AUTHOR_EMAIL"] = "test@example.invalid"
        environment["GIT_COMMITTER_NAME"] = "test"
        environment["GIT_COMMITTER_EMAIL"] = "test@example.invalid"
        process.environment = environment
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self),
            String(decoding: stderr, as: UTF8.self)
        )
    }
}
