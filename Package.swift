// swift-tools-version: 6.1
import PackageDescription

// Module map (see docs/architecture.md). In sdk/swift/agentws-provider-kit, its own package (the
// plugin-facing modules, which a plugin author depends on without any of the dependencies below):
//   AgentwsSystem     system calls: the C library import, errno error, file I/O, atomic writes, locks.
//   AgentwsJSON       JSON value, strict parser with positions, canonical writer. No Foundation I/O.
//   CAgentwsProvider  the C ABI header: the whole contract between host and plugins.
//   CAgentwsJSON      a small JSON reader and writer in C for C plugins.
//   ProviderKit       linked statically into Swift plugins: one protocol to implement.
//   AgentwsToolchain  the Swift release string that plugins declare and the loader compares.
// In this package:
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
//   AgentProcess      linked statically into Swift plugins that run an agent as a child process:
//                     posix_spawn, a line connection with a reader thread, stderr log, a JSON-RPC peer.
//   AgentPluginSupport  what those plugins share on ProviderKit: set-up from the configuration, the
//                     one-turn-at-a-time slot.
//   agentws           the command line.
//   agentws-plugin-host  the plugin host agentws starts for an isolated plugin (the loader and the
//                     relay of AgentwsPlugins, nothing else: it links no Foundation).
//   agentws-bench     the benchmark suite (Benchmarks/, docs/performance.md); with CSQLite, the
//                     SQLite baseline, which nothing else links.
// The plugin-facing modules are their own package (sdk/swift/agentws-provider-kit): what a plugin
// author depends on, without any of the host's dependencies below.
let kit = "agentws-provider-kit"
let system: Target.Dependency = .product(name: "AgentwsSystem", package: kit)
let json: Target.Dependency = .product(name: "AgentwsJSON", package: kit)
let toolchain: Target.Dependency = .product(name: "AgentwsToolchain", package: kit)
let cHeader: Target.Dependency = .product(name: "CAgentwsProvider", package: kit)
let cJSON: Target.Dependency = .product(name: "CAgentwsJSON", package: kit)
let providerKit: Target.Dependency = .product(name: "ProviderKit", package: kit)

// A plugin exports the ABI's two functions and nothing else: without this list a Swift plugin exports
// every public symbol of ProviderKit, AgentwsJSON and itself. The path must be absolute (the linker
// runs elsewhere), so it is made from this manifest's own.
let pluginExports: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker",
        "--version-script=\(String(#filePath.dropLast("Package.swift".count)))sdk/swift/agentws-provider-kit/plugin-exports.map",
    ])
]

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "agentws",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "agentws", targets: ["agentws"]),
        // The plugin host agentws starts beside itself (docs/plugin-abi.md §13): the plugin loader and
        // the relay, without Foundation or the command line, so that it starts fast.
        .executable(name: "agentws-plugin-host", targets: ["agentws-plugin-host"]),
        .library(name: "AgentwsCore", targets: ["AgentwsCore"]),
        // Provider plugins: each one is its own shared object, loaded with dlopen at run time.
        .library(name: "AgentwsEcho", type: .dynamic, targets: ["EchoProvider"]),
        .library(name: "AgentwsCEcho", type: .dynamic, targets: ["CEchoProvider"]),
        .library(name: "AgentwsCodex", type: .dynamic, targets: ["CodexProvider"]),
        .library(name: "AgentwsACP", type: .dynamic, targets: ["ACPProvider"]),
        .library(name: "AgentwsClaude", type: .dynamic, targets: ["ClaudeProvider"]),
    ],
    dependencies: [
        .package(path: "sdk/swift/agentws-provider-kit"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
    ],
    targets: [
        .target(
            name: "AgentwsCore", dependencies: [system, json], swiftSettings: strictSwift),
        .target(
            name: "AgentwsConfig",
            dependencies: [
                system, "AgentwsCore", json, .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AgentwsStorage",
            dependencies: [system, "AgentwsCore", json],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AgentwsPlugins",
            dependencies: [
                "AgentProcess",
                system,
                "AgentwsCore", json, toolchain, cHeader,
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AgentwsACP",
            dependencies: [
                system,
                "AgentwsCore", json, .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "AgentwsDaemon",
            dependencies: [
                system,
                "AgentwsACP", "AgentwsCore", json, "AgentwsStorage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // Child processes for the provider plugins (docs/architecture.md); knows nothing of ProviderKit.
        .target(
            name: "AgentProcess", dependencies: [json, system], swiftSettings: strictSwift),
        // What the plugins that run an agent (codex, claude, acp) share on top of ProviderKit and
        // AgentProcess: their set-up from the configuration and the one-turn-at-a-time slot.
        .target(
            name: "AgentPluginSupport", dependencies: [providerKit, "AgentProcess", json, system],
            swiftSettings: strictSwift),
        .executableTarget(
            name: "agentws",
            dependencies: [
                system,
                "AgentwsCore", json, "AgentwsConfig", "AgentwsStorage", "AgentwsPlugins",
                "AgentwsACP", "AgentwsDaemon", "AgentProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),

        .executableTarget(
            name: "agentws-plugin-host",
            dependencies: [system, "AgentwsPlugins"],
            swiftSettings: strictSwift
        ),

        // Plugins. Built as shared objects; nothing in Sources/ or Tests/ links them.
        .target(
            name: "EchoProvider",
            dependencies: [system, providerKit, json],
            path: "Plugins/EchoProvider",
            swiftSettings: strictSwift,
            linkerSettings: pluginExports
        ),
        .target(
            name: "CEchoProvider",
            dependencies: [cHeader, cJSON],
            path: "Plugins/CEchoProvider",
            linkerSettings: pluginExports
        ),
        // Codex `app-server` over stdio (docs/providers/codex.md). Spawns its child with posix_spawn
        // rather than a process library: see that page for why.
        .target(
            name: "CodexProvider",
            dependencies: [providerKit, "AgentPluginSupport", "AgentProcess", json, system],
            path: "Plugins/CodexProvider",
            swiftSettings: strictSwift,
            linkerSettings: pluginExports
        ),
        // Claude Code in stream-json mode (docs/providers/claude.md), on the shared child-process code.
        .target(
            name: "ClaudeProvider",
            dependencies: [providerKit, "AgentPluginSupport", "AgentProcess", json, system],
            path: "Plugins/ClaudeProvider",
            swiftSettings: strictSwift,
            linkerSettings: pluginExports
        ),

        // Any Agent Client Protocol agent over stdio, as its client (docs/providers/acp.md).
        .target(
            name: "ACPProvider",
            dependencies: [providerKit, "AgentPluginSupport", json, "AgentProcess", system],
            path: "Plugins/ACPProvider",
            swiftSettings: strictSwift,
            linkerSettings: pluginExports
        ),

        // A small executable the tests drive as a child process (crash safety, lock contention).
        .executableTarget(
            name: "agentws-test-helper",
            dependencies: [system, "AgentwsCore", json, "AgentwsStorage"],
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
                system,
                "AgentwsCore", json, "AgentwsStorage", "AgentwsPlugins", "CSQLite", "EchoProvider",
                "AgentProcess",
                providerKit, .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/AgentwsBench",
            swiftSettings: strictSwift
        ),

        // What test targets share: the build folder, a process runner, temporary directories, the
        // in-memory thread store, clocks moved by hand.
        .target(
            name: "AgentwsTestSupport",
            dependencies: ["AgentwsCore", json, system],
            path: "Tests/AgentwsTestSupport",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsSystemTests", dependencies: [system, "AgentwsTestSupport"],
            swiftSettings: strictSwift),
        .testTarget(name: "AgentwsJSONTests", dependencies: [json], swiftSettings: strictSwift),
        // Runs the built agentws-bench (its pool command) as a process; links none of its code.
        .testTarget(
            name: "AgentwsBenchTests", dependencies: [json, "AgentwsTestSupport"], swiftSettings: strictSwift),
        // Real `/bin/sh` children: spawning, lines, stderr, ends, and the JSON-RPC peer against a
        // shell script on the other end of the pipes.
        .testTarget(
            name: "AgentProcessTests",
            dependencies: ["AgentProcess", json, system, "AgentwsTestSupport"],
            swiftSettings: strictSwift),
        .testTarget(
            name: "AgentwsCoreTests",
            dependencies: [system, "AgentwsCore", json, "AgentwsTestSupport"],
            exclude: ["Golden"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsConfigTests",
            dependencies: [
                "AgentwsConfig", "AgentwsCore", json, "AgentwsTestSupport",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsStorageTests",
            dependencies: ["AgentwsStorage", "AgentwsCore", json, system, "AgentwsTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsPluginsTests",
            dependencies: [
                system, toolchain,
                "AgentwsPlugins", "AgentwsCore", json, "AgentwsTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsACPTests",
            dependencies: [system, "AgentwsACP", "AgentwsCore", json, "AgentwsTestSupport"],
            swiftSettings: strictSwift
        ),
        // Drives ProviderKit through its C entry table, and the built echo plugin through dlopen
        // (build the AgentwsEcho product first); it never links a plugin target.
        .testTarget(
            name: "ProviderKitTests",
            dependencies: [system, providerKit, json, "AgentwsTestSupport", cHeader],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsDaemonTests",
            dependencies: [system, "AgentwsDaemon", "AgentwsTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsIntegrationTests",
            dependencies: [
                system, "AgentwsCore", json, "AgentwsStorage", "AgentwsPlugins",
                "AgentwsTestSupport",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "AgentwsCLITests",
            dependencies: [system, json, "AgentwsTestSupport"],
            swiftSettings: strictSwift
        ),
        // The plugin author's kit: what the built plugins export, the header's sizes, `agentws plugin`
        // (new, check, install, header) with skeletons built outside the repository, the Rust crate.
        // Runs the built agentws and loads built plugins; it never links a plugin target.
        .testTarget(
            name: "AgentwsKitTests",
            dependencies: [system, json, cHeader, toolchain, "AgentwsTestSupport"],
            swiftSettings: strictSwift
        ),
        // The claude plugin against the real Claude Code (bundled in claude-agent-sdk, installed by
        // scripts/setup-test-agents) and a loopback Messages API mock (Tests/Peers). Runs the
        // built agentws and loads the built plugin; it never links a plugin target.
        .testTarget(
            name: "AgentwsClaudeTests",
            dependencies: [
                system, "AgentwsCore", json, "AgentwsPlugins", "AgentwsTestSupport",
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
                system,
                "AgentwsCore", json, "AgentwsPlugins", "AgentwsTestSupport",
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
                system, "AgentwsCore", json, "AgentwsPlugins", "AgentwsTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
    ]
)
