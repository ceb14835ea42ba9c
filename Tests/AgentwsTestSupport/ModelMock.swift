import AgentwsJSON
import Foundation

/// A model mock of Tests/Peers (mock_responses.py, mock_messages.py) as a child process: a loopback
/// model API that answers `mock#N: <last user text>` and logs every request the agent makes.
package final class ModelMock {
    package let port: Int
    package let logPath: String
    private let process: Process

    package init(script: String, directory: String) throws {
        logPath = directory + "/mock.jsonl"
        let portFile = directory + "/mock.port"
        process = Process()
        process.executableURL = URL(fileURLWithPath: try AgentTools.python())
        process.arguments = [
            AgentTools.peer(script), "--port-file", portFile, "--log", logPath, "--hold-timeout", "30",
            "--lifetime", "600",
        ]
        process.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: directory + "/mock.stderr", contents: nil)
        process.standardError = FileHandle(forWritingAtPath: directory + "/mock.stderr")
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                self.port = port
                break
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                let errors = (try? String(contentsOfFile: directory + "/mock.stderr", encoding: .utf8)) ?? ""
                throw TestFailure("the model mock did not start; its stderr:\n\(errors)")
            }
            usleep(20_000)
        }
    }

    /// Kills the mock. SIGKILL, because a child of Foundation's Process inherits the signal mask of
    /// the spawning thread, and a dispatch worker thread blocks SIGTERM.
    package func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Every record of the log: `{"kind": "request", …}` and `{"kind": "stream-end", …}`.
    package func records() throws -> [JSONValue] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in try JSONParser.parse(String(line)) }
    }

    /// The model requests the agent made, oldest first.
    package func requests() throws -> [JSONValue] {
        try records().filter { $0["kind"]?.stringValue == "request" }
    }

    /// The outcome of the streamed reply to request `seq`, once it has ended.
    package func streamOutcome(_ seq: Int64, within limit: Duration = .seconds(20)) throws -> String? {
        let deadline = ContinuousClock.now + limit
        repeat {
            let end = try records().first {
                $0["kind"]?.stringValue == "stream-end" && $0["seq"]?.integerValue == seq
            }
            if let outcome = end?["outcome"]?.stringValue { return outcome }
            usleep(50_000)
        } while ContinuousClock.now < deadline
        return nil
    }
}
