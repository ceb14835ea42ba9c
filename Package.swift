// swift-tools-version: 6.1
import PackageDescription

// Module map (see docs/architecture.md):
//   AgentwsSystem     system calls: the C library import, errno error, file I/O, atomic writes, locks.
//   AgentwsJSON       JSON value, strict parser with positions, canonical writer. No Foundation I/O.
//   AgentwsCore       threads, bindings, configuration model, model policy, reaper, sessions.
//                     Pure logic: no processes, sockets or dlopen, so it is testable in memory.
//   AgentwsConfig     YAML configuration loading and layering (Yams).
//   AgentwsStorage    the workspace on disk: atomic binding writes, advisory locks, runtime state.
//   AgentwsPlugins    the plugin loader (ELF checks, dlopen, magic) and the ABI host adapter.
//   AgentwsACP        the Agent Client Protocol, agent side: JSON-RPC messages in, session operations
//                     and session/update notifications out. No I/O, so it is tested without sockets.
//   AgentwsDaemon     transports for AgentwsACP (SwiftNIO): the daemon's Unix socket with peer
//                     credential checks, stdio for `agentws acp`, the CLI's client; the daemon's
//                     services (swift-service-lifecycle): reaper loop, graceful shutdown.
//   CAgentwsProvider  the C ABI header: the whole contract between host and plugins.
//   ProviderKit       linked statically into Swift plugins: one protocol to implement.
//   AgentProcess      linked statically into Swift plugins that run an agent as a child process:
//                     posix_spawn, a line connection with a reader thread, stderr log, a JSON-RPC peer.
//   AgentwsToolchain  the Swift release string that plugins declare and the loader compares.
//   agentws           the command line.
//   agentws-bench     the benchmark suite (Benchmarks/, docs/performance.md); with CSQLite, the
//                     SQLite baseline, which nothing else links.
let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "agentws",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "agentws", targets: ["agentws"]),
        .library(name: "AgentwsCore", targets: ["AgentwsCore"]),
        .library(name: "ProviderKit", targets: ["ProviderKit"]),
        // Provider plugins: each one is its own shared object, loaded with dlopen at run time.
        .library(name: "AgentwsEcho", type: .dynamic, targets: ["EchoProvider"]),
        .library(name: "AgentwsCEcho", type: .dynamic, targets: ["CEchoProvider"]),
        .library(name: "AgentwsCodex", type: .dynamic, targets: ["CodexProvider"]),
        .library(name: "AgentwsACP", type: .dynamic, targets: ["ACPProvider"]),
        .library(name: "AgentwsClaude", type: .dynamic, targets: ["ClaudeProvider"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
    ],
    targets: [
        .target(name: "CAgentwsProvider", path: "Sources/CAgentwsProvider"),
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
            name: "AgentwsCore", dependencies: ["AgentwsSystem", "AgentwsJSON"], swiftSettings: strictSwift),
        .target(
            name: "AgentwsConfig",
            dependencies: [
                "AgentwsSystem", "AgentwsCore", "AgentwsJSON", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AgentwsStorage",
            dependencies: ["AgentwsSystem", "AgentwsCore", "AgentwsJSON"],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AgentwsPlugins",
            dependencies: [
                "AgentwsSystem",
                "AgentwsCore", "AgentwsJSON", "AgentwsToolchain", "CAgentwsProvider",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AgentwsACP",
            dependencies: [
                "AgentwsSystem",
                "AgentwsCore", "AgentwsJSON", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AgentwsDaemon",
            dependencies: [
                "AgentwsSystem",
                "AgentwsACP", "AgentwsCore", "AgentwsJSON", "AgentwsStorage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "ProviderKit",
            dependencies: ["AgentwsSystem", "AgentwsJSON", "AgentwsToolchain", "CAgentwsProvider"],
            swiftSettings: strictSwift
        ),
        // Child processes for the provider plugins (docs/architecture.md); knows nothing of ProviderKit.
        .target(
            name: "AgentProcess", dependencies: ["AgentwsJSON", "AgentwsSystem"], swiftSettings: strictSwift),
        .executableTarget(
            name: "agentws",
            dependencies: [
                "AgentwsSystem",
                "AgentwsCore", "AgentwsJSON", "AgentwsConfig", "AgentwsStorage", "AgentwsPlugins",
                "AgentwsACP", "AgentwsDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),

        // Plugins. Built as shared objects; nothing in Sources/ or Tests/ links them.
        .target(
            name: "EchoProvider",
            dependencies: ["AgentwsSystem", "ProviderKit", "AgentwsJSON"],
            path: "Plugins/EchoProvider",
            swiftSettings: strictSwift
        ),
        .target(
            name: "CEchoProvider",
            dependencies: ["CAgentwsProvider"],
            path: "Plugins/CEchoProvider"
        ),
        // Codex `app-server` over stdio (docs/providers/codex.md). Spawns its child with posix_spawn
        // rather than a process library: see that page for why.
        .target(
            name: "CodexProvider",
            dependencies: ["ProviderKit", "AgentProcess", "AgentwsJSON", "AgentwsSystem"],
            path: "Plugins/CodexProvider",
            swiftSettings: strictSwift
        ),
        // Claude Code in stream-json mode (docs/providers/claude.md), on the shared child-process code.
        .target(
            name: "ClaudeProvider",
            dependencies: ["ProviderKit", "AgentProcess", "AgentwsJSON", "AgentwsSystem"],
            path: "Plugins/ClaudeProvider",
            swiftSettings: strictSwift
        ),

        // Any Agent Client Protocol agent over stdio, as its client (docs/providers/acp.md).
        .target(
            name: "ACPProvider",
            dependencies: ["ProviderKit", "AgentwsJSON", "AgentProcess", "AgentwsSystem"],
            path: "Plugins/ACPProvider",
            swiftSettings: strictSwift
        ),

        // A small executable the tests drive as a child process (crash safety, lock contention).
        .executableTarget(
            name: "agentws-test-helper",
            dependencies: ["AgentwsSystem", "AgentwsCore", "AgentwsJSON", "AgentwsStorage"],
            path: "Tests/Helper",
            swiftSettings: strictSwift
        ),

        // The benchmark suite: `scripts/bench` builds it in release mode and runs it. It links the echo
        // plugin's logic (to time a direct Swift call against the same turn through the ABI) and
        // SQLite (a baseline); the product never does.
        .systemLibrary(name: "CSQLite", path: "Benchmarks/CSQLite"),
        .executableTarget(
            name: "agentws-bench",
            dependencies: [
                "AgentwsSystem",
                "AgentwsCore", "AgentwsJSON", "AgentwsStorage", "AgentwsPlugins", "CSQLite", "EchoProvider",
                "ProviderKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/AgentwsBench",
            swiftSettings: strictSwift
        ),

        // What test targets share: the build folder, a process runner, temporary directories.
        .target(
            name: "AgentwsTestSupport",
            dependencies: ["AgentwsJSON", "AgentwsSystem"],
            path: "Tests/AgentwsTestSupport",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsSystemTests", dependencies: ["AgentwsSystem", "AgentwsTestSupport"],
            swiftSettings: strictSwift),
        .testTarget(name: "AgentwsJSONTests", dependencies: ["AgentwsJSON"], swiftSettings: strictSwift),
        // Real `/bin/sh` children: spawning, lines, stderr, ends, and the JSON-RPC peer against a
        // shell script on the other end of the pipes.
        .testTarget(
            name: "AgentProcessTests",
            dependencies: ["AgentProcess", "AgentwsJSON", "AgentwsSystem", "AgentwsTestSupport"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "AgentwsCoreTests",
            dependencies: ["AgentwsSystem", "AgentwsCore", "AgentwsJSON"],
            exclude: ["Golden"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsConfigTests",
            dependencies: [
                "AgentwsConfig", "AgentwsCore", "AgentwsJSON", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsStorageTests",
            dependencies: ["AgentwsStorage", "AgentwsCore", "AgentwsJSON"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsPluginsTests",
            dependencies: [
                "AgentwsSystem", "AgentwsToolchain",
                "AgentwsPlugins", "AgentwsCore", "AgentwsJSON",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsACPTests",
            dependencies: ["AgentwsSystem", "AgentwsACP", "AgentwsCore", "AgentwsJSON"],
            swiftSettings: strictSwift
        ),
        // Drives ProviderKit through its C entry table, and the built echo plugin through dlopen
        // (build the AgentwsEcho product first); it never links a plugin target.
        .testTarget(
            name: "ProviderKitTests",
            dependencies: ["AgentwsSystem", "ProviderKit", "AgentwsJSON", "CAgentwsProvider"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsDaemonTests",
            dependencies: ["AgentwsSystem", "AgentwsDaemon"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsIntegrationTests",
            dependencies: [
                "AgentwsSystem", "AgentwsCore", "AgentwsJSON", "AgentwsStorage", "AgentwsPlugins",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsCLITests",
            dependencies: ["AgentwsSystem", "AgentwsJSON"],
            swiftSettings: strictSwift
        ),
        // The claude plugin against the real Claude Code (bundled in claude-agent-sdk, installed by
        // scripts/setup-test-agents) and a loopback Messages API mock (Tests/Peers). Runs the
        // built agentws and loads the built plugin; it never links a plugin target.
        .testTarget(
            name: "AgentwsClaudeTests",
            dependencies: [
                "AgentwsSystem", "AgentwsCore", "AgentwsJSON", "AgentwsPlugins", "AgentwsTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // The codex plugin against the real `codex app-server` (installed by scripts/setup-test-agents)
        // and a loopback model mock (Tests/Peers). Runs the built agentws and loads the built plugin;
        // it never links a plugin target.
        .testTarget(
            name: "AgentwsCodexTests",
            dependencies: [
                "AgentwsSystem",
                "AgentwsCore", "AgentwsJSON", "AgentwsPlugins", "AgentwsTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // The acp plugin against real ACP agents from PyPI (fast-agent, the ACP SDK's examples; installed
        // by scripts/setup-test-agents) and hostile agents in Tests/Peers. Runs the built agentws and
        // loads the built plugin; it never links a plugin target.
        .testTarget(
            name: "AgentwsACPProviderTests",
            dependencies: [
                "AgentwsSystem", "AgentwsCore", "AgentwsJSON", "AgentwsPlugins", "AgentwsTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
    ]
)
