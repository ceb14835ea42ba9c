import AgentwsTestSupport
import Foundation
import Testing

extension CLIHarness {
    /// Runs `git ARGUMENTS` in `directory` (the workspace root by default), expects it to succeed,
    /// and returns its standard output.
    @discardableResult
    func git(
        _ arguments: String..., in directory: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws -> String
    {
        let result = try gitRun(arguments, in: directory)
        #expect(result.status == 0, "git \(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs git and returns its status and both streams, for commands expected to fail.
    func gitStatus(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try gitRun(arguments, in: nil)
    }

    /// `git status --porcelain` of the binding files: empty when nothing changed.
    func bindingChanges(in directory: String? = nil) throws -> String {
        try git("status", "--porcelain", ".agentws/bindings", in: directory)
    }

    /// Runs git with a fixed identity, without the system configuration, and the harness's
    /// environment (its own HOME).
    private func gitRun(_ arguments: [String], in directory: String?) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try GitCommand.run(arguments, in: directory ?? root, environment: environment)
    }
}
