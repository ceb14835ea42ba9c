import AgentwsCore
import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Logging
import Testing

@testable import AgentwsPlugins

/// ABI 1.1 through the host: which plugins are called for export, import and fork, and the real
/// echo plugin's transcripts and forks through `PluginProvider`.
@Suite struct TranscriptHostTests {
    private let workspace: PluginDirectory

    init() throws {
        workspace = try PluginDirectory()
    }

    private func provider(_ plugin: LoadedPlugin, instance: String, in workspace: PluginDirectory) throws
        -> PluginProvider
    {
        try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: instance, options: [:], workspace: workspace.path),
            logger: Logger(label: "test"))
    }

    /// The minimal fixture built with `defines`, loaded.
    private func fixture(_ defines: [String]) throws -> (PluginDirectory, LoadedPlugin) {
        let directory = try PluginDirectory()
        try FixtureCompiler.build(minimalPluginSource, into: directory.file("fixture.so"), defines: defines)
        let catalog = PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path]))
        try #require(catalog.refused.isEmpty, "\(catalog.refused)")
        return (directory, try #require(catalog.plugin(named: "fixture")))
    }

    /// A built product installed in its own plugin directory, loaded.
    private func product(_ product: String, as name: String) throws -> (PluginDirectory, LoadedPlugin) {
        let directory = try PluginDirectory()
        try directory.install(try BuildProducts.library(product), as: name + ".so")
        let catalog = PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path]))
        try #require(catalog.refused.isEmpty, "\(catalog.refused)")
        return (directory, try #require(catalog.plugin(named: name)))
    }

    private func exportRequest(_ cursor: JSONValue, to destination: String) throws -> TranscriptExportRequest
    {
        TranscriptExportRequest(
            thread: try ThreadID("t1"), cursor: cursor, cwd: workspace.path, destination: destination)
    }

    private func expectUnsupported(_ provider: PluginProvider, _ label: String) async throws {
        let cursor: JSONValue = ["conversation": "0123"]
        await #expect(throws: ProviderError(.unsupported, "\(label) cannot export transcripts")) {
            _ = try await provider.exportTranscript(try exportRequest(cursor, to: workspace.file("x")))
        }
        await #expect(throws: ProviderError(.unsupported, "\(label) cannot import transcripts")) {
            _ = try await provider.importTranscript(
                TranscriptImportRequest(
                    thread: try ThreadID("t1"), cwd: workspace.path, source: workspace.file("x"),
                    format: "echo-json", cursor: nil))
        }
        await #expect(throws: ProviderError(.unsupported, "\(label) cannot fork conversations")) {
            _ = try await provider.fork(
                ForkRequest(
                    thread: try ThreadID("t2"), source: try ThreadID("t1"), cursor: cursor,
                    cwd: workspace.path,
                    model: nil, runtimeMode: nil))
        }
    }

    @Test func aPluginBuiltForABI10IsNeverCalledForTheNewMethods() async throws {
        // Its describe claims them (as a confused 1.0 plugin might); a 1.0 plugin cannot have them.
        let (_, plugin) = try fixture(["FIXTURE_ABI_MINOR=0", "FIXTURE_CLAIMS_TRANSCRIPTS"])
        #expect(plugin.abiMajor == 1 && plugin.abiMinor == 0)
        let old = try provider(plugin, instance: "old", in: workspace)
        #expect(
            try await old.describe()
                == ProviderCapabilities(modelSwitch: .restart, models: nil, canResume: false))
        try await expectUnsupported(old, "provider 'old' (plugin fixture 0.1, ABI 1.0)")
    }

    @Test func aPluginBuiltForABI11AdvertisesWhatItHas() async throws {
        let (_, plain) = try fixture([])
        #expect(plain.abiMinor == 1)
        let quiet = try provider(plain, instance: "quiet", in: workspace)
        #expect(
            try await quiet.describe()
                == ProviderCapabilities(modelSwitch: .restart, models: nil, canResume: false))
        try await expectUnsupported(quiet, "provider 'quiet' (plugin fixture 0.1, ABI 1.1)")

        let (_, claiming) = try fixture(["FIXTURE_CLAIMS_TRANSCRIPTS"])
        let full = try provider(claiming, instance: "full", in: workspace)
        #expect(
            try await full.describe()
                == ProviderCapabilities(
                    modelSwitch: .restart, models: nil, canResume: false, canExport: true, canImport: true,
                    canFork: true, transcriptFormat: "fixture-text"))
        // It answers export with a format but writes nothing: the host does not believe it.
        let destination = workspace.file("never-written")
        await #expect(
            throws: ProviderError(
                .providerFailed,
                "\(claiming.label): export answered, but \(destination) is not a file it wrote in "
                    + "{\"format\":\"fixture-text\"}")
        ) {
            _ = try await full.exportTranscript(try exportRequest("c", to: destination))
        }
    }

    @Test func cEchoIsA10PluginThatKeepsWorking() async throws {
        let (_, plugin) = try product("AgentwsCEcho", as: "c-echo")
        #expect(plugin.abiMinor == 0)
        let cecho = try provider(plugin, instance: "cecho", in: workspace)
        let capabilities = try await cecho.describe()
        #expect(!capabilities.canExport && !capabilities.canImport && !capabilities.canFork)
        try await expectUnsupported(cecho, "provider 'cecho' (plugin c-echo 1.0.0, ABI 1.0)")
        let events = EventRecorder()
        let session = try await cecho.start(
            SessionStartRequest(
                thread: try ThreadID("t1"), cwd: workspace.path, model: nil, runtimeMode: nil,
                resumeCursor: nil),
            events: events.handler)
        #expect(try await session.send(TurnRequest(text: "hi")).stopReason == .endTurn)
        #expect(events.recorded == [.text("c-echo turn 1: hi")])
        try await session.stop()
    }

    /// Starts `cursor` (or a fresh conversation), sends each message and returns the replies.
    private func turns(
        _ provider: PluginProvider, thread: String = "t1", cursor: JSONValue?, in workspace: PluginDirectory,
        _ messages: [String]
    ) async throws -> (cursor: JSONValue, replies: [String]) {
        let events = EventRecorder()
        let session = try await provider.start(
            SessionStartRequest(
                thread: try ThreadID(thread), cwd: workspace.path, model: nil, runtimeMode: nil,
                resumeCursor: cursor),
            events: events.handler)
        var replies: [String] = []
        for message in messages {
            let before = events.recorded.count
            _ = try await session.send(TurnRequest(text: message))
            replies.append(
                events.recorded.dropFirst(before).compactMap { event -> String? in
                    if case .text(let text) = event { return text }
                    return nil
                }.joined())
        }
        try await session.stop()
        return (try #require(session.cursor), replies)
    }

    @Test func echoExportsOnOneWorkspaceAndImportsOnAnother() async throws {
        let (_, plugin) = try product("AgentwsEcho", as: "echo")
        #expect(plugin.abiMinor == 1)
        let echoA = try provider(plugin, instance: "echo", in: workspace)
        #expect(
            try await echoA.describe()
                == ProviderCapabilities(
                    modelSwitch: .inSession, models: ["echo-1", "echo-2"], canResume: true, canExport: true,
                    canImport: true, canFork: true, canReplace: true, transcriptFormat: "echo-json"))
        let (cursor, _) = try await turns(echoA, cursor: nil, in: workspace, ["one", "two"])

        let destination = workspace.file(".agentws/state/t1.transcript")
        let exported = try await echoA.exportTranscript(try exportRequest(cursor, to: destination))
        #expect(exported == TranscriptExportResult(format: "echo-json", cursor: cursor))
        #expect(FileManager.default.fileExists(atPath: destination))

        let other = try PluginDirectory()
        let echoB = try provider(plugin, instance: "echo", in: other)
        let imported = try await echoB.importTranscript(
            TranscriptImportRequest(
                thread: try ThreadID("t1"), cwd: other.path, source: destination, format: exported.format,
                cursor: cursor))
        #expect(imported == cursor)
        let (_, replies) = try await turns(echoB, cursor: imported, in: other, ["three"])
        #expect(replies == ["echo-1 turn 3 (start 2): three"])

        await #expect(
            throws: ProviderError(
                .notFound,
                "echo: echo: conversation 0123 is not here (no \(other.path)/.agentws/state/providers/echo/conversations/0123.json)"
            )
        ) {
            _ = try await echoB.exportTranscript(
                try exportRequest(["conversation": "0123"], to: other.file("x")))
        }
    }

    /// `replace`: machine B's later transcript of the same conversation overwrites A's copy, under
    /// the same cursor; a conversation A does not have is `not-found`.
    @Test func echoReplacesItsCopyWithANewerTranscript() async throws {
        let (_, plugin) = try product("AgentwsEcho", as: "echo")
        let echoA = try provider(plugin, instance: "echo", in: workspace)
        let (cursor, _) = try await turns(echoA, cursor: nil, in: workspace, ["one", "two"])
        let handed = workspace.file(".agentws/state/handed.transcript")
        _ = try await echoA.exportTranscript(try exportRequest(cursor, to: handed))

        let other = try PluginDirectory()
        let echoB = try provider(plugin, instance: "echo", in: other)
        func importRequest(_ source: String, cursor: JSONValue, replace: Bool) throws
            -> TranscriptImportRequest
        {
            TranscriptImportRequest(
                thread: try ThreadID("t1"), cwd: other.path, source: source, format: "echo-json",
                cursor: cursor,
                replace: replace)
        }
        await #expect(throws: ProviderError.self) {
            _ = try await echoB.importTranscript(try importRequest(handed, cursor: cursor, replace: true))
        }
        #expect(
            try await echoB.importTranscript(try importRequest(handed, cursor: cursor, replace: false))
                == cursor)
        _ = try await turns(echoB, cursor: cursor, in: other, ["three"])
        let back = other.file(".agentws/state/back.transcript")
        _ = try await echoB.exportTranscript(try exportRequest(cursor, to: back))

        // A still has its copy at turn 2; the plain import would place a copy under a new id, the
        // replace overwrites it.
        let staged = workspace.file(".agentws/state/back.transcript")
        try FileManager.default.copyItem(atPath: back, toPath: staged)
        let replaced = try await echoA.importTranscript(
            TranscriptImportRequest(
                thread: try ThreadID("t1"), cwd: workspace.path, source: staged, format: "echo-json",
                cursor: cursor, replace: true))
        #expect(replaced == cursor)
        let (_, replies) = try await turns(echoA, cursor: cursor, in: workspace, ["four"])
        #expect(replies.first?.hasPrefix("echo-1 turn 4") == true, "\(replies)")
    }

    @Test func echoForksIntoAnIndependentConversation() async throws {
        let (_, plugin) = try product("AgentwsEcho", as: "echo")
        let echo = try provider(plugin, instance: "echo", in: workspace)
        let (cursor, _) = try await turns(echo, cursor: nil, in: workspace, ["one", "two"])
        let forked = try await echo.fork(
            ForkRequest(
                thread: try ThreadID("t2"), source: try ThreadID("t1"), cursor: cursor, cwd: workspace.path,
                model: nil, runtimeMode: nil))
        #expect(forked != cursor)
        let (_, forkReplies) = try await turns(echo, thread: "t2", cursor: forked, in: workspace, ["a", "b"])
        #expect(forkReplies == ["echo-1 turn 3 (start 2): a", "echo-1 turn 4 (start 2): b"])
        let (_, sourceReplies) = try await turns(echo, cursor: cursor, in: workspace, ["c"])
        #expect(sourceReplies == ["echo-1 turn 3 (start 2): c"])
    }
}
