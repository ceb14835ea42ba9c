import AgentwsSystem
import AgentwsTestSupport
import Foundation

/// The programs the kit's tests build plugins with, found the way a plugin author's shell would.
enum KitTools {
    /// The names of the global symbols `library` defines in its dynamic symbol table, sorted.
    static func exportedSymbols(_ library: String) throws -> [String] {
        let result = try run(
            try tool("nm", hint: "binutils, which .ci/run installs with the C compiler"),
            ["-D", "-g", "--defined-only", library])
        return result.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").last.map(String.init)
        }.sorted()
    }

    /// `name` on PATH, else in `extra` directories; a test needing a missing tool fails with `hint`.
    static func tool(_ name: String, hint: String, extra: [String] = []) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + extra
        where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
            return directory + "/" + name
        }
        throw TestFailure("\(name) is not installed: \(hint)")
    }

    static var cargo: String {
        get throws {
            try tool(
                "cargo", hint: ".ci/run installs Debian's cargo when the machine has none",
                extra: [NSHomeDirectory() + "/.cargo/bin", "/root/.cargo/bin"])
        }
    }

    static var swift: String {
        get throws {
            try tool("swift", hint: "the Swift toolchain that builds agentws", extra: ["/opt/swift/usr/bin"])
        }
    }

    /// Runs `executable` in `directory` to its end; a non-zero exit is a failure with the output.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil,
        environment: [String: String]? = nil
    ) throws -> ProcessOutcome {
        // A build of a plugin package takes minutes on a loaded machine.
        let result = try ChildProcess.run(
            executable, arguments, environment: environment, directory: directory, limit: .seconds(1800))
        guard result.status == 0 else {
            throw TestFailure(
                "\(executable) \(arguments.joined(separator: " ")) exited \(result.status)\n\(result.stdout)\n\(result.stderr)"
            )
        }
        return result
    }
}
