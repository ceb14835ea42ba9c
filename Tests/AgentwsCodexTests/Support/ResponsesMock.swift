import AgentwsJSON
import AgentwsTestSupport
import Foundation

/// Tests/Peers/mock_responses.py as a child process: a loopback Responses API that answers
/// `mock#N: <last user text>` and logs every request codex makes.
final class ResponsesMock {
    let port: Int
    let logPath: String
    private let process: Process

    init(directory: String) throws {
        logPath = directory + "/mock.jsonl"
        let portFile = directory + "/mock.port"
        process = Process()
        process.executableURL = URL(fileURLWithPath: try TestTools.python())
        process.arguments = [
            TestTools.mockScript, "--port-file", portFile, "--log", logPath, "--hold-timeout", "30",
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
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Every record of the log: `{"kind": "request", …}` and `{"kind": "stream-end", …}`.
    func records() throws -> [JSONValue] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in try JSONParser.parse(String(line)) }
    }

    /// The model requests codex made, oldest first.
    func requests() throws -> [JSONValue] {
        try records().filter { $0["kind"]?.stringValue == "request" }
    }

    /// The outcome of the streamed reply to request `seq`, once it has ended.
    func streamOutcome(_ seq: Int64, within limit: Duration = .seconds(20)) throws -> String? {
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

    /// The texts of the request's messages of `role`, in order (codex's injected context included).
    static func texts(_ request: JSONValue, role: String) -> [String] {
        (request["body"]?["input"]?.arrayValue ?? []).filter { $0["role"]?.stringValue == role }.map { item in
            (item["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
        }
    }
}
