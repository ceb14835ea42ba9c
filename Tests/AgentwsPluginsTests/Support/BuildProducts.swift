import Foundation
import Testing

/// Where the package's sources and build products are, found from this test binary. The test target
/// links no plugin: it finds the shared objects SwiftPM built next to the test bundle.
enum BuildProducts {
    /// The repository root, from this file's path.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding this test binary (e.g. .build/x86_64-unknown-linux-gnu/debug).
    static let directory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return (executable as NSString).deletingLastPathComponent
    }()

    /// The directory of agentws_provider.h.
    static var headerDirectory: String {
        repositoryRoot + "/sdk/swift/agentws-provider-kit/Sources/CAgentwsProvider/include"
    }

    /// The path of a dynamic library product, e.g. "AgentwsCEcho" → .../libAgentwsCEcho.so.
    static func library(_ product: String) throws -> String {
        let path = directory + "/lib\(product).so"
        try #require(
            FileManager.default.fileExists(atPath: path),
            "\(path) is missing; build it with `swift build --product \(product)`")
        return path
    }
}
