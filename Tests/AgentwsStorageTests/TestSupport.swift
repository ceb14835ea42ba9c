import AgentwsTestSupport
import Foundation

/// The built `agentws-test-helper`; fails the test clearly when it has not been built.
func helperPath() throws -> String { try BuildProducts.executable("agentws-test-helper") }

/// A running child process with its standard output captured.
final class Child {
    let process = Process()
    private let output = Pipe()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Reads until a line starting with `prefix` arrives; returns it.
    func waitForLine(startingWith prefix: String) -> String? {
        var buffer = ""
        let handle = output.fileHandleForReading
        while true {
            let data = handle.availableData
            if data.isEmpty { return nil }
            buffer += String(decoding: data, as: UTF8.self)
            if let line = buffer.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line)
            }
        }
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Everything the child wrote, after it has exited.
    func remainingOutput() -> String {
        process.waitUntilExit()
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}
