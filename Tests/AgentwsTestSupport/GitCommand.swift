import Foundation

/// Runs git for the tests: a fixed identity, no system configuration, the caller's environment (its
/// own HOME), so that repositories made by tests behave the same on every machine.
package enum GitCommand {
    /// Runs `git -C directory ARGUMENTS` and returns its status and both streams.
    package static func run(_ arguments: [String], in directory: String, environment: [String: String]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        var environment = environment
        environment["GIT_AUTHOR_NAME"] = "test"
        environment["GIT_AUTHOR_EMAIL"] = "test@example.invalid"
        environment["GIT_COMMITTER_NAME"] = "test"
        environment["GIT_COMMITTER_EMAIL"] = "test@example.invalid"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        let outcome = try ChildProcess.run(
            "/usr/bin/env", ["git", "-C", directory] + arguments, environment: environment)
        return (outcome.status, outcome.stdout, outcome.stderr)
    }
}
