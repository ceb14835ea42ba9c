import AgentwsTestSupport
import Foundation
import Testing

@testable import AgentwsDaemon

@Suite("Daemon log file")
struct LogFileTests {
    @Test func rotatesPastItsLimitKeepingOnePreviousFile() throws {
        let temporary = try TemporaryDirectory(prefix: "agentws-log")
        defer { temporary.remove() }
        let directory = temporary.path
        let path = directory + "/daemon.log"
        let log = try LogFile(path: path, limit: 100)
        for index in 0..<12 { log.append("line \(index) " + String(repeating: "x", count: 20)) }

        let current = try String(contentsOfFile: path, encoding: .utf8)
        let previous = try String(contentsOfFile: path + ".1", encoding: .utf8)
        #expect(current.utf8.count <= 100 && previous.utf8.count <= 100)
        // Whole lines only, the newest in the current file, nothing beyond one previous file.
        #expect(current.hasSuffix("line 11 " + String(repeating: "x", count: 20) + "\n"))
        #expect(previous.split(separator: "\n").allSatisfy { $0.hasPrefix("line ") && $0.hasSuffix("x") })
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == [
                "daemon.log", "daemon.log.1",
            ])
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func anExistingFileCountsTowardsTheLimit() throws {
        let temporary = try TemporaryDirectory(prefix: "agentws-log")
        defer { temporary.remove() }
        let directory = temporary.path
        let path = directory + "/daemon.log"
        try Data(String(repeating: "old\n", count: 30).utf8).write(to: URL(fileURLWithPath: path))
        let log = try LogFile(path: path, limit: 100)
        log.append("new")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8).hasPrefix("old\n"))
    }
}
