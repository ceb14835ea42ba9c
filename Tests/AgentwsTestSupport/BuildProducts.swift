import AgentwsSystem
import Foundation

/// Where the tests find the repository and what `swift build` produced: the tests run the real
/// `agentws` and load the built plugins, beside the test binary.
package enum BuildProducts {
    /// The repository root, from this file's path.
    package static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding the test binary and the built products beside it.
    package static let directory: String = {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }()

    /// The built `agentws`.
    package static var agentws: String { directory + "/agentws" }

    /// Checks that `swift build` has produced the CLI and each of `libraries` (file names).
    package static func require(libraries: [String]) throws {
        _ = try executable("agentws")
        for library in libraries { _ = try product(library) }
    }

    /// The path of a built executable (`agentws`, `agentws-test-helper`); throws when it is not built.
    package static func executable(_ name: String) throws -> String {
        let path = directory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else { throw missing(path) }
        return path
    }

    /// The path of a dynamic library product, e.g. "AgentwsCEcho" → …/libAgentwsCEcho.so; throws when
    /// it is not built.
    package static func library(_ product: String) throws -> String {
        try Self.product("lib\(product).so")
    }

    /// The path of a built file `name` beside the test binary; throws when it is not there.
    private static func product(_ name: String) throws -> String {
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { throw missing(path) }
        return path
    }

    private static func missing(_ path: String) -> TestFailure {
        TestFailure("\(path) is missing: run 'swift build' before 'swift test' (scripts/test does both)")
    }
}

/// A test precondition that does not hold, with what to do about it.
package struct TestFailure: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
