// swift-tools-version: 6.1
import PackageDescription

// The plugin author's package: everything a provider plugin links, and nothing of the host's
// dependencies (no SwiftNIO, Yams, swift-log or argument-parser). agentws itself depends on it by
// path, so host and plugins build the ABI from the same header and the same JSON and system code.
// The directory name is the package identity: depend on it as
//   .package(path: "<agentws checkout>/sdk/swift/agentws-provider-kit")
//   .product(name: "ProviderKit", package: "agentws-provider-kit")
// (docs/plugin-abi.md, "Writing a plugin outside this repository").
//
//   CAgentwsProvider  the C ABI header: the whole contract between host and plugins.
//   CAgentwsJSON      a small JSON reader and writer in C for C plugins.
//   AgentwsToolchain  the Swift release string that plugins declare and the loader compares.
//   AgentwsJSON       JSON value, strict parser with positions, canonical writer. No Foundation I/O.
//   AgentwsSystem     system calls: the C library import, errno error, file I/O, atomic writes, locks.
//   ProviderKit       linked statically into Swift plugins: one protocol to implement. Re-exports
//                     AgentwsJSON, whose JSONValue its API hands out.
let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "agentws-provider-kit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ProviderKit", targets: ["ProviderKit"]),
        .library(name: "AgentwsJSON", targets: ["AgentwsJSON"]),
        .library(name: "AgentwsSystem", targets: ["AgentwsSystem"]),
        .library(name: "AgentwsToolchain", targets: ["AgentwsToolchain"]),
        .library(name: "CAgentwsProvider", targets: ["CAgentwsProvider"]),
        .library(name: "CAgentwsJSON", targets: ["CAgentwsJSON"]),
    ],
    targets: [
        .target(name: "CAgentwsProvider"),
        // A validating JSON reader and a JSON writer in C11 for C plugins (c-echo, the C skeleton).
        .target(name: "CAgentwsJSON"),
        // The compiler release string host and Swift plugins compare; each binary compiles its own.
        .target(name: "AgentwsToolchain", swiftSettings: strictSwift),
        .target(
            name: "AgentwsJSON",
            swiftSettings: strictSwift,
            // Floating-point conversions call into libm; nothing else would link it for a plugin.
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        // The one place for system calls: the C library import, the errno error, EINTR-safe reads and
        // writes, atomic replace, directory fsync, flock, the lock type (docs/architecture.md).
        .target(name: "AgentwsSystem", swiftSettings: strictSwift),
        .target(
            name: "ProviderKit",
            dependencies: ["AgentwsSystem", "AgentwsJSON", "AgentwsToolchain", "CAgentwsProvider"],
            swiftSettings: strictSwift
        ),
    ]
)
