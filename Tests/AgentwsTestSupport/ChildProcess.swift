import AgentwsSystem
import Foundation

/// How a process ended, with everything it printed.
package struct ProcessOutcome: CustomStringConvertible, Sendable {
    package let status: Int32
    package let stdout: String
    package let stderr: String

    package init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    package var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs a program other than agentws (git, python, setpriv, a C compiler, a setup script) to its end,
/// with a deadline after which it is killed and the run reported as failed: a hung peer must not
/// hang the suite.
package enum ChildProcess {
    package static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String? = nil, limit: Duration = .seconds(120)
    ) throws -> ProcessOutcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let collected = Locked((stdout: Data(), stderr: Data()))
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            group.enter()
            Thread.detachNewThread {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.withLock { isError ? ($0.stderr = data) : ($0.stdout = data) }
                group.leave()
            }
        }
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                process.waitUntilExit()
                group.wait()
                let text = collected.withLock {
                    "stdout: \(String(decoding: $0.stdout, as: UTF8.self)) "
                        + "stderr: \(String(decoding: $0.stderr, as: UTF8.self))"
                }
                throw TestFailure("\(executable) \(arguments) did not finish in \(limit): \(text)")
            }
            usleep(20_000)
        }
        group.wait()
        return collected.withLock {
            ProcessOutcome(
                status: process.terminationStatus, stdout: String(decoding: $0.stdout, as: UTF8.self),
                stderr: String(decoding: $0.stderr, as: UTF8.self))
        }
    }
}
