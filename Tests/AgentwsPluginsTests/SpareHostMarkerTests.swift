import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Testing

@testable import AgentwsPlugins

/// The markers a one-shot send reads before forking its spare plugin host (`SparePluginHost.markers`):
/// whether any instance ran in a host, and the plugin file the copy may map ahead — only one all
/// markers name, and only while the file has the stamp they give it.
@Suite struct SpareHostMarkerTests {
    private let plugins: PluginDirectory
    private let providers: PluginDirectory

    init() throws {
        plugins = try PluginDirectory()
        providers = try PluginDirectory()
        try plugins.write(Data("first".utf8), to: "one.so")
        try plugins.write(Data("second".utf8), to: "two.so")
    }

    /// The marker of a host that loaded `name`, with the file's stamp now.
    private func marked(_ name: String) throws -> MarkedPlugin {
        let path = plugins.file(name)
        let stamp = try #require(try FileStamp.of(path))
        return MarkedPlugin(path: path, directory: plugins.path, stamp: stamp)
    }

    private func write(_ bytes: [UInt8], forInstance instance: String) throws {
        let directory = providers.file(instance)
        if !FileManager.default.fileExists(atPath: directory) { _ = try providers.makeDirectory(instance) }
        try Data(bytes).write(
            to: URL(fileURLWithPath: SparePluginHost.markerPath(stateDirectory: directory)))
    }

    private var markers: SparePluginHost.Markers {
        SparePluginHost.markers(providersDirectory: providers.path) { [plugins.path] }
    }

    @Test func aMarkerReadsBackAsThePluginItNames() throws {
        let plugin = try marked("one.so")
        #expect(MarkedPlugin(marker: plugin.encoded) == plugin)
        #expect(plugin.encoded.last == UInt8(ascii: "\n"))
        // The marker of an older agentws (empty), a relative path, and bytes that are not one.
        #expect(MarkedPlugin(marker: []) == nil)
        var relative = plugin
        relative.path = "one.so"
        #expect(MarkedPlugin(marker: relative.encoded) == nil)
        #expect(MarkedPlugin(marker: Array(#"{"path":"/x","directory":"/"}"#.utf8)) == nil)
        #expect(MarkedPlugin(marker: Array("/x\n/\n".utf8)) == nil)
        // A marker is read up to 16 KiB: a larger one, valid or not, names no plugin.
        let padded =
            [UInt8](repeating: UInt8(ascii: " "), count: MarkedPlugin.maximumMarkerSize) + plugin.encoded
        #expect(MarkedPlugin(marker: padded) == nil)
    }

    @Test func noMarkerMeansNoSpareHost() throws {
        #expect(
            SparePluginHost.markers(providersDirectory: providers.file("missing")) { [plugins.path] }
                == .init())
        _ = try providers.makeDirectory("echo")
        #expect(markers == .init())
    }

    @Test func instancesThatNameOneUnchangedFileHaveItMappedAhead() throws {
        let one = try marked("one.so")
        try write(one.encoded, forInstance: "a")
        #expect(markers == .init(any: true, plugin: one))
        try write(one.encoded, forInstance: "b")
        _ = try providers.makeDirectory("in-process")
        #expect(markers == .init(any: true, plugin: one))
    }

    @Test func twoFilesOrAMarkerWithoutOneMapNothing() throws {
        try write(try marked("one.so").encoded, forInstance: "a")
        try write(try marked("two.so").encoded, forInstance: "b")
        #expect(markers == .init(any: true, plugin: nil))
        try write([], forInstance: "b")
        #expect(markers == .init(any: true, plugin: nil))
        let one = try marked("one.so")
        try write(one.encoded, forInstance: "b")
        try write([UInt8](repeating: UInt8(ascii: " "), count: 1 << 20) + one.encoded, forInstance: "a")
        #expect(markers == .init(any: true, plugin: nil))
    }

    /// A guess made before the configuration is read maps only from a directory discovery searches
    /// whatever the configuration says.
    @Test func aFileOutsideTheMappableDirectoriesIsNotMapped() throws {
        let one = try marked("one.so")
        try write(one.encoded, forInstance: "a")
        #expect(markers.plugin == one)
        let elsewhere = SparePluginHost.markers(providersDirectory: providers.path) { [providers.path] }
        #expect(elsewhere == .init(any: true, plugin: nil))
    }

    /// The stamp is what makes a marker trusted: a file changed since (its change time moves with a
    /// `chmod`), or a marker whose stamp is off by a nanosecond, maps nothing.
    @Test func aFileWhoseStampIsNotTheMarkedOneIsNotMapped() throws {
        let one = try marked("one.so")
        var forged = one
        forged.stamp.changedNanoseconds += 1
        try write(forged.encoded, forInstance: "a")
        #expect(markers == .init(any: true, plugin: nil))

        try write(one.encoded, forInstance: "a")
        #expect(markers.plugin == one)
        usleep(10_000)
        #expect(chmod(one.path, 0o750) == 0)
        #expect(markers == .init(any: true, plugin: nil))
        #expect(unlink(one.path) == 0)
        #expect(markers == .init(any: true, plugin: nil))
    }
}
