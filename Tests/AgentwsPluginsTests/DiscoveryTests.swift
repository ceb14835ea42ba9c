import AgentwsCore
import AgentwsSystem
import AgentwsTestSupport
import AgentwsToolchain
import Foundation
import Logging
import Testing

@testable import AgentwsPlugins

@Suite struct DiscoveryTests {
    @Test func searchOrder() {
        let searchPath = PluginSearchPath(
            environmentValue: "/env/one::/env/two", configuredPaths: [".agentws/plugins", "/absolute"],
            workspaceRoot: "/workspace", executableDirectory: "/opt/agentws/bin")
        #expect(
            searchPath.directories == [
                "/env/one", "/env/two", "/workspace/.agentws/plugins", "/absolute", "/opt/agentws/bin",
                "/opt/agentws/lib/agentws/plugins",
            ])
        #expect(
            searchPath.origins == [
                "AGENTWS_PLUGIN_PATH", "AGENTWS_PLUGIN_PATH", "plugins.paths", "plugins.paths",
                "beside the executable", "installed plugins",
            ])
        #expect(
            searchPath.origin(ofPluginAt: "/opt/agentws/lib/agentws/plugins/libAgentwsEcho.so")
                == "installed plugins")
    }

    @Test func relativeConfiguredPathsNeedAWorkspace() {
        let searchPath = PluginSearchPath(
            environmentValue: nil, configuredPaths: [".agentws/plugins", "/absolute"], workspaceRoot: nil,
            executableDirectory: nil)
        #expect(searchPath.directories == ["/absolute"])
    }

    @Test func executableDirectoryIsThisTestBinary() {
        #expect(PluginSearchPath.executableDirectory() == BuildProducts.directory)
    }

    @Test func firstPluginOfANameWins() throws {
        let first = try PluginDirectory()
        let second = try PluginDirectory()
        let library = try BuildProducts.library("AgentwsCEcho")
        try first.install(library, as: "b.so")
        try second.install(library, as: "a.so")
        try second.write(Data("not a plugin".utf8), to: "notes.txt")
        try second.install(library, as: ".hidden.so")
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [
                first.path, "/nonexistent/agentws", second.path, first.path,
            ]))
        #expect(catalog.loaded.map(\.path) == [first.file("b.so")])
        #expect(
            catalog.refused.map(\.description) == [
                "plugin \(second.file("a.so")) refused: plugin name \"c-echo\" is already provided by "
                    + "\(first.file("b.so")), which comes earlier in the search path"
            ])
        #expect(catalog.plugin(named: "c-echo")?.path == first.file("b.so"))
        #expect(catalog.plugin(named: "echo") == nil)
    }

    @Test func badSearchDirectories() throws {
        let directory = try PluginDirectory()
        let file = try directory.write(Data("x".utf8), to: "file")
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: ["relative/plugins", file]))
        #expect(catalog.loaded.isEmpty)
        #expect(
            catalog.refused.map(\.description) == [
                "plugin relative/plugins refused: the path is not absolute; "
                    + "plugins are loaded by absolute path only",
                "plugin \(file) refused: it is not a directory",
            ])
    }

    @Test func describesWhatItLoaded() throws {
        let directory = try PluginDirectory()
        try directory.install(try BuildProducts.library("AgentwsCEcho"), as: "c-echo.so")
        let plugin = try #require(
            PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path])).loaded.first)
        #expect(plugin.name == "c-echo")
        #expect(plugin.version == "1.0.0")
        #expect(plugin.abiMajor == 1)
        #expect(plugin.abiMinor == 0)
        #expect(plugin.toolchain.hasPrefix("clang-") || plugin.toolchain.hasPrefix("gcc-"))
        #expect(plugin.path == directory.file("c-echo.so"))
    }

    @Test func warnsAboutAnotherSwiftRelease() throws {
        let directory = try PluginDirectory()
        try FixtureCompiler.build(
            minimalPluginSource, into: directory.file("old.so"),
            defines: [#"FIXTURE_NAME="old-swift""#, #"FIXTURE_TOOLCHAIN="swift-5.9.2""#])
        try FixtureCompiler.build(
            minimalPluginSource, into: directory.file("same.so"),
            defines: [#"FIXTURE_NAME="same-swift""#, #"FIXTURE_TOOLCHAIN="\#(HostToolchain.identifier).9""#])
        try FixtureCompiler.build(minimalPluginSource, into: directory.file("c.so"))
        let logs = LogRecorder()
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [directory.path]), logger: logs.logger())
        #expect(Set(catalog.loaded.map(\.name)) == ["old-swift", "same-swift", "fixture"])
        #expect(
            logs.recorded == [
                "warning: plugin old-swift (\(directory.file("old.so"))) was built with swift-5.9.2, "
                    + "agentws with \(HostToolchain.identifier); Swift plugins should be built with the same "
                    + "Swift release as agentws"
            ])
    }

    @Test func swiftReleases() {
        #expect(HostToolchain.swiftRelease("swift-6.3") == "6.3")
        #expect(HostToolchain.swiftRelease("swift-6.3.1-RELEASE") == "6.3")
        #expect(HostToolchain.swiftRelease("gcc-12.2.0") == nil)
        #expect(!HostToolchain.isMismatchedSwift("clang-17.0.0"))
        #expect(HostToolchain.isMismatchedSwift("swift-5.10"))
    }

    /// A compiler newer than SwiftToolchain knows is labelled unknown, and unknown never matches:
    /// not a known release, and not another unknown one (which may be a different compiler).
    @Test func unknownCompilersFailClosed() {
        #expect(
            SwiftToolchain.unknownIdentifier == "swift-unknown-after-\(SwiftToolchain.newestKnownRelease)")
        #expect(!SwiftToolchain.isKnown(SwiftToolchain.unknownIdentifier))
        #expect(SwiftToolchain.isKnown(SwiftToolchain.identifier))
        let unknown = SwiftToolchain.unknownIdentifier
        #expect(HostToolchain.isMismatchedSwift(unknown, host: "swift-6.3"))
        #expect(HostToolchain.isMismatchedSwift("swift-6.3", host: unknown))
        #expect(HostToolchain.isMismatchedSwift(unknown, host: unknown))
        #expect(!HostToolchain.isMismatchedSwift("swift-6.3", host: "swift-6.3"))
        #expect(!HostToolchain.isMismatchedSwift("clang-17.0.0", host: unknown))
        #expect(HostToolchain.isMismatchedSwift("swift-", host: "swift-6.3"))
    }
}
