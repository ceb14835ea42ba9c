import AgentwsCore
import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Logging
import Testing

@testable import AgentwsPlugins

/// Every refusal of SPEC §8.2, each next to a good plugin (a copy of c-echo) that still loads.
@Suite struct LoaderRefusalTests {
    /// A plugin directory holding a working plugin as good.so.
    private func directoryWithGoodPlugin() throws -> PluginDirectory {
        let directory = try PluginDirectory()
        try directory.install(try BuildProducts.library("AgentwsCEcho"), as: "good.so")
        return directory
    }

    /// Discovers `directory` alone; checks that exactly `loaded` load and `refused` are the refusals.
    private func expectDiscovery(
        in directory: PluginDirectory, loaded: [String] = ["c-echo"], refused: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let catalog = PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path]))
        #expect(catalog.loaded.map(\.name) == loaded, sourceLocation: sourceLocation)
        #expect(catalog.refused.map(\.description) == refused, sourceLocation: sourceLocation)
    }

    private func refusal(_ path: String, _ reason: String) -> String { "plugin \(path) refused: \(reason)" }

    @Test func missingFile() throws {
        let directory = try directoryWithGoodPlugin()
        let path = directory.file("missing.so")
        #expect(throws: PluginRefusal(path: path, reason: .notFound)) {
            try PluginLoader.load(path: path, directory: directory.path, logger: Logger(label: "test"))
        }
        #expect(PluginRefusal(path: path, reason: .notFound).description == refusal(path, "no such file"))
        #expect(PluginRefusal(path: path, reason: .notFound).category == .notFound)
    }

    @Test func relativePath() throws {
        let directory = try directoryWithGoodPlugin()
        #expect(throws: PluginRefusal(path: "good.so", reason: .notAbsolute)) {
            try PluginLoader.load(path: "good.so", directory: directory.path, logger: Logger(label: "test"))
        }
        #expect(
            PluginRefusal(path: "good.so", reason: .notAbsolute).description
                == refusal("good.so", "the path is not absolute; plugins are loaded by absolute path only"))
    }

    @Test func danglingSymlink() throws {
        let directory = try directoryWithGoodPlugin()
        try directory.link("dangling.so", to: directory.file("nothing-here.so"))
        expectDiscovery(
            in: directory,
            refused: [
                refusal(directory.file("dangling.so"), "it is a symbolic link to a file that does not exist")
            ])
    }

    @Test func notELF() throws {
        let directory = try directoryWithGoodPlugin()
        try directory.write(Data("#!/bin/sh\necho hello\n".utf8), to: "script.so")
        expectDiscovery(
            in: directory, refused: [refusal(directory.file("script.so"), "it is not an ELF shared object")])
    }

    @Test func thirtyTwoBitELF() throws {
        let directory = try directoryWithGoodPlugin()
        // e_ident of an ELF32 little-endian file, then a 32-bit header's worth of zeros.
        var header: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 1, 1, 1] + [UInt8](repeating: 0, count: 45)
        header[16] = 3
        try directory.write(Data(header), to: "elf32.so")
        expectDiscovery(
            in: directory,
            refused: [refusal(directory.file("elf32.so"), "it is a 32-bit ELF file; plugins must be 64-bit")])
    }

    @Test func foreignMachine() throws {
        let directory = try directoryWithGoodPlugin()
        let foreign: UInt16 = ELFHeader.hostMachine == 62 ? 183 : 62
        var bytes = try Data(contentsOf: URL(fileURLWithPath: directory.file("good.so")))
        bytes[18] = UInt8(foreign & 0xFF)
        bytes[19] = UInt8(foreign >> 8)
        try directory.write(bytes, to: "foreign.so")
        let names = [62: "x86_64", 183: "aarch64"]
        let reason =
            "it is built for \(names[Int(foreign)] ?? "") (ELF machine \(foreign)), but this host is "
            + "\(names[Int(ELFHeader.hostMachine)] ?? "") (ELF machine \(ELFHeader.hostMachine))"
        expectDiscovery(in: directory, refused: [refusal(directory.file("foreign.so"), reason)])
    }

    @Test func executableInsteadOfSharedObject() throws {
        let directory = try directoryWithGoodPlugin()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: directory.file("good.so")))
        bytes[16] = 2  // ET_EXEC
        try directory.write(bytes, to: "program.so")
        expectDiscovery(
            in: directory,
            refused: [
                refusal(
                    directory.file("program.so"),
                    "it is an executable, not a shared object (build it with -shared)")
            ])
    }

    @Test func elfHeaderDetails() {
        let start: [UInt8] = [0x7F, 0x45, 0x4C, 0x46]
        #expect(throws: PluginRefusal.Reason.notLittleEndian(encoding: 2)) {
            try ELFHeader.check(start + [2, 2] + [UInt8](repeating: 0, count: 58))
        }
        #expect(throws: PluginRefusal.Reason.truncatedELF) { try ELFHeader.check(start + [2, 1, 1]) }
        #expect(throws: PluginRefusal.Reason.notELF) { try ELFHeader.check([0x7F, 0x45]) }
        #expect(
            PluginRefusal.Reason.notLittleEndian(encoding: 2).description
                == "it is big-endian; this host is little-endian")
    }

    /// A fixture built with `defines` and the reason it must be refused for (given its path).
    struct BrokenFixture: Sendable, CustomTestStringConvertible {
        let defines: [String]
        let reason: @Sendable (String) -> String
        var testDescription: String { defines.joined(separator: " ") }
    }

    static let brokenFixtures: [BrokenFixture] = [
        BrokenFixture(defines: ["FIXTURE_NO_MAGIC"]) { _ in
            "it does not export agentws_provider_magic(); is it an agentws provider plugin?"
        },
        BrokenFixture(defines: ["FIXTURE_NO_ENTRY"]) { _ in
            "it does not export agentws_provider_entry(); is it an agentws provider plugin?"
        },
        BrokenFixture(defines: ["FIXTURE_MAGIC=0x1234"]) { _ in
            "its magic number is 0x0000000000001234, not AGENTWS_PROVIDER_MAGIC (0x4147575350525631)"
        },
        BrokenFixture(defines: ["FIXTURE_ABI_MAJOR=2"]) { _ in
            "it was built for plugin ABI 2, but this agentws speaks ABI 1; "
                + "rebuild it against this agentws's agentws_provider.h"
        },
        BrokenFixture(defines: ["FIXTURE_MAGIC_SIZE=24"]) { _ in
            "its magic block declares 24 bytes, but ABI 1 needs at least 48"
        },
        BrokenFixture(defines: [#"FIXTURE_NAME="Bad Name""#]) { _ in
            #"its plugin_name "Bad Name" is not a valid plugin name ([a-z0-9][a-z0-9._-]*, at most 64 bytes)"#
        },
        BrokenFixture(defines: ["FIXTURE_NAME=NULL"]) { _ in "its plugin_name is NULL" },
        BrokenFixture(defines: ["FIXTURE_UNDEFINED"]) { path in
            "dlopen failed: \(path): undefined symbol: agentws_fixture_missing_function"
        },
        BrokenFixture(defines: ["FIXTURE_NULL_CALL"]) { _ in "its entry table has a NULL call function" },
    ]

    @Test(arguments: brokenFixtures)
    func brokenPlugin(_ fixture: BrokenFixture) throws {
        let directory = try directoryWithGoodPlugin()
        let path = directory.file("broken.so")
        try FixtureCompiler.build(minimalPluginSource, into: path, defines: fixture.defines)
        expectDiscovery(in: directory, refused: [refusal(path, fixture.reason(path))])
    }

    @Test func symlinkEscapingThePluginDirectory() throws {
        let directory = try directoryWithGoodPlugin()
        let elsewhere = try PluginDirectory()
        let target = try elsewhere.install(try BuildProducts.library("AgentwsCEcho"), as: "elsewhere.so")
        try directory.link("escape.so", to: target)
        expectDiscovery(
            in: directory,
            refused: [
                refusal(
                    directory.file("escape.so"),
                    "it resolves to \(target), outside the plugin directory \(directory.path); "
                        + "a plugin must stay inside its directory after symbolic links are resolved")
            ])
    }

    @Test func symlinkInsideThePluginDirectoryLoadsAndShadows() throws {
        let directory = try directoryWithGoodPlugin()
        try directory.link("alias.so", to: "good.so")
        let catalog = PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path]))
        #expect(catalog.loaded.map(\.path) == [directory.file("alias.so")])
        #expect(catalog.loaded.map(\.realPath) == [directory.file("good.so")])
        #expect(
            catalog.refused.map(\.description) == [
                refusal(
                    directory.file("good.so"),
                    #"plugin name "c-echo" is already provided by \#(directory.file("alias.so")), "#
                        + "which comes earlier in the search path")
            ])
    }

    @Test(arguments: [
        (0o775 as mode_t, "group-writable (mode 0775)"), (0o757, "world-writable (mode 0757)"),
        (0o777, "group- and world-writable (mode 0777)"),
    ])
    func writableFile(mode: mode_t, writers: String) throws {
        let directory = try directoryWithGoodPlugin()
        let path = try directory.install(try BuildProducts.library("AgentwsCEcho"), as: "writable.so")
        #expect(chmod(path, mode) == 0)
        expectDiscovery(
            in: directory,
            refused: [
                refusal(
                    path,
                    "file \(path) is \(writers); the plugin file and every directory above it must be "
                        + "writable by their owner only (chmod go-w \(path))")
            ])
    }

    @Test func writableDirectoryAboveThePlugin() throws {
        let directory = try directoryWithGoodPlugin()
        let shared = try directory.makeDirectory("shared", mode: 0o777)
        try directory.install(try BuildProducts.library("AgentwsCEcho"), as: "shared/inner.so")
        try directory.link("via-shared.so", to: shared + "/inner.so")
        expectDiscovery(
            in: directory,
            refused: [
                refusal(
                    directory.file("via-shared.so"),
                    "directory \(shared) is group- and world-writable (mode 0777); the plugin file and every "
                        + "directory above it must be writable by their owner only (chmod go-w \(shared))")
            ])
    }

    @Test func writablePluginDirectoryRefusesEverything() throws {
        let directory = try directoryWithGoodPlugin()
        #expect(chmod(directory.path, 0o770) == 0)
        expectDiscovery(
            in: directory, loaded: [],
            refused: [
                refusal(
                    directory.file("good.so"),
                    "directory \(directory.path) is group-writable (mode 0770); the plugin file and every "
                        + "directory above it must be writable by their owner only "
                        + "(chmod go-w \(directory.path))"
                )
            ])
    }

    /// A sticky world-writable directory is safe only when root owns it (as /tmp): then nobody else
    /// can replace what is in it.
    @Test func stickyDirectory() throws {
        let directory = try PluginDirectory()
        let sticky = try directory.makeDirectory("sticky", mode: 0o1777)
        try directory.install(try BuildProducts.library("AgentwsCEcho"), as: "sticky/inner.so")
        try directory.link("via-sticky.so", to: sticky + "/inner.so")
        if geteuid() == 0 {
            expectDiscovery(in: directory, refused: [])
        } else {
            expectDiscovery(
                in: directory, loaded: [],
                refused: [
                    refusal(
                        directory.file("via-sticky.so"),
                        "directory \(sticky) is group- and world-writable (mode 1777); the plugin file and "
                            + "every directory above it must be writable by their owner only "
                            + "(chmod go-w \(sticky))"
                    )
                ])
        }
    }

    /// Needs root to give a file away; CI runs as root, so as another user this fails rather than
    /// passing without checking anything.
    @Test func foreignOwner() throws {
        try #require(geteuid() == 0, "this test must run as root to chown a fixture to another user")
        let directory = try directoryWithGoodPlugin()
        let path = try directory.install(try BuildProducts.library("AgentwsCEcho"), as: "foreign-owner.so")
        #expect(chown(path, 4242, 4242) == 0)
        let inner = try directory.makeDirectory("foreign-directory")
        try directory.install(try BuildProducts.library("AgentwsCEcho"), as: "foreign-directory/inner.so")
        #expect(chown(inner, 4343, 4343) == 0)
        try directory.link("via-foreign.so", to: inner + "/inner.so")
        let rule = "the plugin file and every directory above it must be owned by root"
        expectDiscovery(
            in: directory,
            refused: [
                refusal(path, "\(path) is owned by uid 4242; \(rule)"),
                refusal(directory.file("via-foreign.so"), "\(inner) is owned by uid 4343; \(rule)"),
            ])
    }
}
