import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Logging
import Testing

@testable import AgentwsPlugins

/// Discovery under isolation remembers what plugin hosts found (`state/plugin-probes.json`,
/// `PluginProbeCache`): an unchanged file is not examined again, so no host starts. Whether a host
/// started is told by giving the second discovery a host executable that does not exist: a file it
/// had to examine is refused with "cannot start".
@Suite struct ProbeCacheTests {
    private let plugins: PluginDirectory
    private let state: PluginDirectory
    private let library: String
    /// Where an instance created in process keeps its state.
    private let workspace: TemporaryDirectory

    init() throws {
        plugins = try PluginDirectory()
        state = try PluginDirectory()
        workspace = try TemporaryDirectory(prefix: "agentws-probe-cache")
        library = try BuildProducts.library("AgentwsCEcho")
        try plugins.install(library, as: "c-echo.so")
    }

    private var cacheFile: String { state.file(PluginProbeCache.fileName) }

    /// An instance of `plugin`, created in this process.
    private func makeProvider(_ plugin: LoadedPlugin) throws -> PluginProvider {
        try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: "c", options: [:], workspace: workspace.path),
            logger: Logger(label: "test"))
    }

    /// Discovers the plugin directory with every file isolated (`isolated: false`: every file in
    /// this process); `working: false` gives hosts an executable that cannot start. `now` defaults
    /// to past the racy window of the files.
    private func discover(
        working: Bool = true, trusting: Bool = true, isolated: Bool = true, now: Int64? = nil
    ) async throws -> PluginCatalog {
        let executable = working ? try BuildProducts.executable("agentws") : "/nonexistent/agentws"
        return await PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [plugins.path]),
            isolation: PluginCatalog.Isolation(
                settings: PluginHostSettings(executable: executable), logDirectory: state.path,
                trustsRemembered: trusting, isolates: { _ in isolated }),
            now: now ?? FileStamp.wallClockNow() + 3 * FileStamp.racyWindowNanoseconds)
    }

    private func refusedBecauseNoHostStarts(_ catalog: PluginCatalog) {
        #expect(catalog.loaded.isEmpty, "\(catalog.loaded)")
        #expect(catalog.refused.count == 1, "\(catalog.refused)")
        #expect(
            catalog.refused.first?.description.contains("cannot start the plugin host examining") == true,
            "\(catalog.refused)")
    }

    @Test func anUnchangedFileIsNotExaminedAgain() async throws {
        let first = try await discover()
        #expect(first.plugin(named: "c-echo")?.path == plugins.file("c-echo.so"), "\(first.refused)")
        #expect(FileManager.default.fileExists(atPath: cacheFile))

        let second = try await discover(working: false)
        let remembered = try #require(second.plugin(named: "c-echo"), "\(second.refused)")
        #expect(remembered.path == plugins.file("c-echo.so"))
        #expect(remembered.directory == plugins.path)
        #expect(remembered.version == first.plugin(named: "c-echo")?.version)
        #expect(remembered.realPath == first.plugin(named: "c-echo")?.realPath)
        #expect(second.refused.isEmpty)
    }

    /// A command that loads the file in process remembers it too: the next command that isolates it
    /// starts no host to learn its name, and commands alternating between the two (an instance in
    /// process, another isolated; AGENTWS_PLUGINS_ISOLATION) keep each other's memory.
    @Test func aFileLoadedInProcessIsRememberedForIsolatingCommands() async throws {
        let inProcess = try await discover(isolated: false)
        #expect(inProcess.plugin(named: "c-echo") != nil, "\(inProcess.refused)")
        let remembered = try await discover(working: false)
        #expect(
            remembered.plugin(named: "c-echo")?.path == plugins.file("c-echo.so"), "\(remembered.refused)")
        #expect(remembered.refused.isEmpty)
        _ = try await discover(isolated: false)
        #expect(try await discover(working: false).plugin(named: "c-echo") != nil)
    }

    /// In process, an unchanged file that loaded before is taken from what was remembered, not mapped
    /// (a command pays for the plugins it uses only); the instance that uses it maps it, and works.
    /// A file changed since is loaded again, so a broken one is refused at discovery as before.
    @Test func inProcessAnUnchangedFileIsMappedOnlyWhenAnInstanceUsesIt() async throws {
        let path = plugins.file("c-echo.so")
        _ = try await discover()  // examined in a plugin host only: not mapped here, remembered
        #expect(!isMappedHere(path))
        let catalog = try await discover(working: false, isolated: false)
        let plugin = try #require(catalog.plugin(named: "c-echo"), "\(catalog.refused)")
        #expect(plugin.functions == nil)
        #expect(!isMappedHere(path), "discovery mapped a plugin no instance uses")

        let provider = try makeProvider(plugin)
        #expect(isMappedHere(path))
        #expect(try await provider.describe().models?.contains("c-echo-1") == true)

        // A new file in its place: rewriting the mapped one in place would pull its pages from
        // under this process (SIGBUS), as an installer that does so would.
        #expect(unlink(path) == 0)
        try plugins.write(Data("not an ELF file".utf8), to: "c-echo.so")
        let changed = try await discover(working: false, isolated: false)
        #expect(changed.plugin(named: "c-echo") == nil)
        #expect(changed.refused.map(\.path) == [path], "\(changed.refused)")
    }

    /// A remembered file is trusted for its name only: made unsafe since (its directory turned
    /// group-writable), it is refused when an instance in process is created from it, with the
    /// loader's message.
    @Test func inProcessARememberedFileIsCheckedAgainWhenAnInstanceUsesIt() async throws {
        _ = try await discover()
        #expect(chmod(plugins.path, 0o770) == 0)
        defer { chmod(plugins.path, 0o700) }
        let catalog = try await discover(working: false, isolated: false)
        let plugin = try #require(catalog.plugin(named: "c-echo"), "\(catalog.refused)")
        #expect {
            _ = try makeProvider(plugin)
        } throws: { error in
            "\(error)".contains("is group-writable (mode 0770)")
        }
        #expect(!isMappedHere(plugins.file("c-echo.so")))
    }

    /// A remembered name the file no longer declares fails the instance's creation, naming both.
    @Test func inProcessAFileThatNowDeclaresAnotherNameIsRefusedWhenAnInstanceUsesIt() async throws {
        let found = try #require(try await discover().plugin(named: "c-echo"))
        let renamed = LoadedPlugin(
            name: "other", version: found.version, abiMajor: found.abiMajor, abiMinor: found.abiMinor,
            toolchain: found.toolchain, path: found.path, realPath: found.realPath,
            directory: found.directory,
            functions: nil)
        #expect {
            _ = try makeProvider(renamed)
        } throws: { error in
            "\(error)".contains("\(found.path) declares plugin 'c-echo' now, not 'other'")
        }
    }

    /// Whether the file at `path` is mapped into this process (`RTLD_NOLOAD` opens nothing).
    private func isMappedHere(_ path: String) -> Bool {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD) else { return false }
        dlclose(handle)
        return true
    }

    @Test func aChangedFileIsExaminedAgain() async throws {
        _ = try await discover()
        // Written again: a new change time (and here a new size) whatever the clock's granularity.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: library))
        bytes.append(0)
        try plugins.write(bytes, to: "c-echo.so")
        refusedBecauseNoHostStarts(try await discover(working: false))
    }

    @Test func providersAndDoctorExamineEveryFile() async throws {
        _ = try await discover()
        refusedBecauseNoHostStarts(try await discover(working: false, trusting: false))
        // What they find is remembered for the next command (that one found nothing).
        refusedBecauseNoHostStarts(try await discover(working: false))
        #expect(try await discover(trusting: false).plugin(named: "c-echo") != nil)
        #expect(try await discover(working: false).plugin(named: "c-echo") != nil)
    }

    @Test func aFileChangedJustNowIsNotRemembered() async throws {
        _ = try await discover(now: FileStamp.wallClockNow())
        refusedBecauseNoHostStarts(try await discover(working: false))
    }

    @Test func refusalsAreNotRemembered() async throws {
        try plugins.write(Data("not an ELF file".utf8), to: "broken.so")
        let first = try await discover()
        #expect(first.refused.map(\.path) == [plugins.file("broken.so")])
        let second = try await discover(working: false)
        #expect(second.plugin(named: "c-echo") != nil)
        #expect(second.refused.count == 1)
        #expect(second.refused.first?.description.contains("cannot start") == true, "\(second.refused)")
    }

    @Test func aDamagedOrForeignCacheIsIgnored() async throws {
        _ = try await discover()
        let good = try String(contentsOfFile: cacheFile, encoding: .utf8)
        for damaged in [
            "{\"format\": 1, \"plugins\": [", "[]", "",
            good.replacingOccurrences(of: PluginHostVersion.toolchain, with: "swift-5.9"),
            good.replacingOccurrences(of: "\"abi\":\"\(PluginHostVersion.abi)\"", with: "\"abi\":\"0.9\""),
            good.replacingOccurrences(of: "\"inode\"", with: "\"node\""),
        ] {
            #expect(damaged != good)
            try Data(damaged.utf8).write(to: URL(fileURLWithPath: cacheFile))
            refusedBecauseNoHostStarts(try await discover(working: false))
        }
    }
}
