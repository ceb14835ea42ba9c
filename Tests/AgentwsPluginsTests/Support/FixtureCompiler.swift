import AgentwsTestSupport
import Foundation
import Testing

/// Compiles C fixture plugins with the system C compiler while the tests run.
enum FixtureCompiler {
    /// The compiler: $CC, else cc.
    static var compiler: String { ProcessInfo.processInfo.environment["CC"] ?? "cc" }

    /// Builds `source` into the shared object `output`, with extra `-D` definitions, and sets mode 0755.
    static func build(_ source: String, into output: String, defines: [String] = []) throws {
        let sourceFile = output + ".c"
        try source.write(toFile: sourceFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: sourceFile) }
        try build(files: [sourceFile], into: output, defines: defines)
    }

    /// Builds C files into the shared object `output` with warnings as errors, and sets mode 0755.
    static func build(files: [String], into output: String, defines: [String] = [], includes: [String] = [])
        throws
    {
        let arguments =
            ["-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-pthread"]
            + ([BuildProducts.headerDirectory] + includes).flatMap { ["-I", $0] } + defines.map { "-D" + $0 }
            + ["-o", output] + files
        try run(compiler, arguments)
        try #require(chmod(output, 0o755) == 0)
    }

    /// Runs a program to completion; fails the test with its output when it exits non-zero.
    static func run(_ program: String, _ arguments: [String]) throws {
        let outcome = try ChildProcess.run("/usr/bin/env", [program] + arguments)
        try #require(outcome.status == 0, "\(program) \(arguments.joined(separator: " ")) failed: \(outcome)")
    }
}
