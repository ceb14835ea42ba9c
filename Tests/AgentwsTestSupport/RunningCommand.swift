import AgentwsSystem
import Foundation

/// A running `agentws` process whose output is collected as it comes.
package final class RunningCommand: Sendable {
    private let process: Process
    private let output = Locked((stdout: Data(), stderr: Data()))
    private let drained = DispatchGroup()

    /// Starts agentws with `arguments`; through `launcher` when given (e.g. `["/usr/bin/taskset",
    /// "-c", "0"]`, which then runs agentws).
    package init(
        _ arguments: [String], directory: String, environment: [String: String], launcher: [String] = []
    ) throws {
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [BuildProducts.agentws] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: BuildProducts.agentws)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        self.process = process
        try process.run()
        drain(stdout.fileHandleForReading, isError: false)
        drain(stderr.fileHandleForReading, isError: true)
    }

    private func drain(_ handle: FileHandle, isError: Bool) {
        drained.enter()
        Thread.detachNewThread { [output, drained] in
            while case let chunk = handle.availableData, !chunk.isEmpty {
                output.withLock { isError ? $0.stderr.append(chunk) : $0.stdout.append(chunk) }
            }
            drained.leave()
        }
    }

    package var pid: Int32 { process.processIdentifier }
    package var isRunning: Bool { process.isRunning }
    package var stdoutSoFar: String { String(decoding: output.withLock { $0.stdout }, as: UTF8.self) }
    package var stderrSoFar: String { String(decoding: output.withLock { $0.stderr }, as: UTF8.self) }

    /// Waits until stdout shows `text`; throws if the process ends first or nothing comes in time.
    package func waitForOutput(_ text: String, limit: Duration = .seconds(60)) throws {
        try waitFor(text, in: "stdout", limit: limit) { $0.stdoutSoFar }
    }

    /// Waits until stderr (notices, progress) shows `text`; throws like `waitForOutput`.
    package func waitForError(_ text: String, limit: Duration = .seconds(60)) throws {
        try waitFor(text, in: "stderr", limit: limit) { $0.stderrSoFar }
    }

    /// Waits until stdout or stderr shows `text`; throws like `waitForOutput`.
    package func waitFor(_ text: String, limit: Duration = .seconds(30)) throws {
        try waitFor(text, in: "stdout or stderr", limit: limit) { $0.stdoutSoFar + $0.stderrSoFar }
    }

    private func waitFor(
        _ text: String, in stream: String, limit: Duration, _ sofar: (RunningCommand) -> String
    ) throws {
        let deadline = ContinuousClock.now + limit
        while !sofar(self).contains(text) {
            guard process.isRunning else {
                // What it printed last may still be on its way from the pipe.
                let outcome = finish()
                if sofar(self).contains(text) { return }
                throw TestFailure("agentws ended before printing \"\(text)\" on \(stream): \(outcome)")
            }
            guard ContinuousClock.now < deadline else {
                throw TestFailure(
                    "agentws printed no \"\(text)\" on \(stream) in time; stdout: \(stdoutSoFar) stderr: "
                        + stderrSoFar)
            }
            usleep(20_000)
        }
    }

    package func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the end and returns everything it printed.
    package func finish() -> ProcessOutcome {
        process.waitUntilExit()
        drained.wait()
        return output.withLock { output in
            ProcessOutcome(
                status: process.terminationStatus, stdout: String(decoding: output.stdout, as: UTF8.self),
                stderr: String(decoding: output.stderr, as: UTF8.self))
        }
    }
}
