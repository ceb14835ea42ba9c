import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Logging
import Testing

@testable import AgentwsPlugins

/// The C provider driven through `PluginProvider`: the whole ABI round trip, synchronous completions.
@Suite struct CEchoProviderTests {
    private let plugins: PluginDirectory
    private let workspace: PluginDirectory
    private let plugin: LoadedPlugin

    init() throws {
        plugins = try PluginDirectory()
        workspace = try PluginDirectory()
        try plugins.install(try BuildProducts.library("AgentwsCEcho"), as: "c-echo.so")
        let catalog = PluginCatalog.discover(searchPath: PluginSearchPath(directories: [plugins.path]))
        try #require(catalog.refused.isEmpty, "\(catalog.refused)")
        plugin = try #require(catalog.plugin(named: "c-echo"))
    }

    private func makeProvider(logger: Logger = Logger(label: "test")) throws -> PluginProvider {
        try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: "cecho", options: [:], workspace: workspace.path),
            logger: logger)
    }

    private func startRequest(resume cursor: JSONValue? = nil, model: String? = "c-echo-1") throws
        -> SessionStartRequest
    {
        SessionStartRequest(
            thread: try ThreadID("t1"), cwd: workspace.path, model: model, runtimeMode: nil,
            resumeCursor: cursor)
    }

    @Test func fullTurnStopAndResume() async throws {
        let logs = LogRecorder()
        let provider = try makeProvider(logger: logs.logger())
        #expect(provider.name == "cecho")
        #expect(logs.recorded == ["debug: c-echo instance ready"])
        var status = stat()
        #expect(stat(workspace.path + "/.agentws/state/providers/cecho", &status) == 0)
        #expect(status.st_mode & 0o777 == 0o700)

        #expect(
            try await provider.describe()
                == ProviderCapabilities(
                    modelSwitch: .inSession, models: ["c-echo-1", "c-echo-2"], canResume: true))

        let events = EventRecorder()
        let session = try await provider.start(try startRequest(), events: events.handler)
        let cursor = try #require(session.cursor)
        #expect(cursor["conversation"]?.stringValue != nil)
        #expect(
            try await session.send(TurnRequest(text: "hello"))
                == TurnOutcome(stopReason: .endTurn, cursor: nil))
        #expect(events.recorded == [.text("c-echo turn 1: hello")])
        #expect(try await session.isBusy() == false)
        try await session.interrupt()
        try await session.stop()
        let sessionID = try #require((session as? PluginSession)?.id)
        await #expect(throws: ProviderError(.notFound, "cecho: no session \"\(sessionID)\"")) {
            _ = try await session.send(TurnRequest(text: "after stop"))
        }

        let resumedEvents = EventRecorder()
        let resumed = try await provider.start(
            try startRequest(resume: cursor), events: resumedEvents.handler)
        #expect(resumed.cursor == cursor)
        let outcome = try await resumed.send(TurnRequest(text: "again", model: "c-echo-2"))
        #expect(outcome == TurnOutcome(stopReason: .endTurn, cursor: nil))
        #expect(resumedEvents.recorded == [.text("c-echo turn 2: again")])
        #expect(events.recorded == [.text("c-echo turn 1: hello")])
        try await resumed.stop()
    }

    @Test func resumeOfAnUnknownConversationFails() async throws {
        let provider = try makeProvider()
        let conversations = workspace.path + "/.agentws/state/providers/cecho/conversations"
        await #expect(
            throws: ProviderError(.resumeFailed, "cecho: no conversation \"gone\" in \(conversations)")
        ) {
            _ = try await provider.start(try startRequest(resume: ["conversation": "gone"]), events: { _ in })
        }
        // A cursor is untrusted input: an id that is not one c-echo makes never becomes a path.
        await #expect(
            throws: ProviderError(.resumeFailed, "cecho: no conversation \"../x\" in \(conversations)")
        ) {
            _ = try await provider.start(try startRequest(resume: ["conversation": "../x"]), events: { _ in })
        }
    }

    /// Without a daemon every command is a new process: a conversation started by one instance is
    /// resumed by another (a new `create` on the same state directory) and goes on counting.
    @Test func conversationsOutliveTheInstance() async throws {
        let first = try makeProvider()
        let session = try await first.start(try startRequest(), events: { _ in })
        let cursor = try #require(session.cursor)
        _ = try await session.send(TurnRequest(text: "one"))
        _ = try await session.send(TurnRequest(text: "two"))
        try await session.stop()

        let events = EventRecorder()
        let resumed = try await makeProvider().start(try startRequest(resume: cursor), events: events.handler)
        _ = try await resumed.send(TurnRequest(text: "three"))
        #expect(events.recorded == [.text("c-echo turn 3: three")])
        try await resumed.stop()

        // A damaged conversation file is named, not taken for a new conversation.
        let id = try #require(cursor["conversation"]?.stringValue)
        let file = workspace.path + "/.agentws/state/providers/cecho/conversations/" + id
        try AtomicFile.replace(Array("turns many\n".utf8), path: file)
        await #expect(
            throws: ProviderError(
                .resumeFailed,
                "cecho: conversation \"\(id)\" in \(workspace.path)/.agentws/state/providers/cecho/conversations "
                    + "cannot be read: its file is damaged (expected \"turns N\")")
        ) {
            _ = try await makeProvider().start(try startRequest(resume: cursor), events: { _ in })
        }
    }

    @Test func invalidRequestsComeBackAsTheirCodes() async throws {
        let provider = try makeProvider()
        await #expect(
            throws: ProviderError(
                .invalidRequest, "cecho: unknown model \"gpt\"; c-echo has c-echo-1 and c-echo-2")
        ) {
            _ = try await provider.start(try startRequest(model: "gpt"), events: { _ in })
        }
        let session = try await provider.start(try startRequest(), events: { _ in })
        await #expect(
            throws: ProviderError(
                .invalidRequest, "cecho: unknown model \"x\"; c-echo has c-echo-1 and c-echo-2")
        ) {
            _ = try await session.send(TurnRequest(text: "hi", model: "x"))
        }
        try await session.stop()
    }

    @Test func textSurvivesTheRoundTrip() async throws {
        let provider = try makeProvider()
        let events = EventRecorder()
        let session = try await provider.start(try startRequest(), events: events.handler)
        let text = "say \"hi\"\\ \n\ttab \u{1}, ünïcödé, 🎉, and a NUL: \u{0}."
        _ = try await session.send(TurnRequest(text: text))
        #expect(events.recorded == [.text("c-echo turn 1: " + text)])
        try await session.stop()
    }

    /// The C sources are clean C11: gcc with -Wall -Wextra -Werror builds them into a working plugin.
    @Test func buildsWithGCCWithoutWarnings() async throws {
        let directory = try PluginDirectory()
        // c-echo's own sources and the kit's C JSON helper it uses.
        let sources = BuildProducts.repositoryRoot + "/Plugins/CEchoProvider"
        let json = BuildProducts.repositoryRoot + "/sdk/swift/agentws-provider-kit/Sources/CAgentwsJSON"
        let files = try [sources, json].flatMap { directory in
            try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".c") }
                .map { directory + "/" + $0 }
        }
        try FixtureCompiler.build(
            files: files, into: directory.file("gcc-echo.so"),
            defines: [], includes: [sources + "/include", json + "/include"])
        let catalog = PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path]))
        #expect(catalog.refused.isEmpty)
        let plugin = try #require(catalog.plugin(named: "c-echo"))
        let provider = try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: "gcc-echo", options: [:], workspace: workspace.path),
            logger: Logger(label: "test"))
        #expect(try await provider.describe().canResume)
    }

    @Test func createFailureNamesThePlugin() throws {
        let directory = try PluginDirectory()
        let path = directory.file("fixture.so")
        try FixtureCompiler.build(minimalPluginSource, into: path, defines: ["FIXTURE_CREATE_FAILS"])
        let fixture = try #require(
            PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path])).plugin(
                named: "fixture"))
        #expect(
            throws: ProviderError(
                .invalidRequest,
                "plugin fixture (\(path)) could not create provider broken: options.mode is required")
        ) {
            _ = try PluginProvider(
                plugin: fixture,
                configuration: PluginProviderConfiguration(
                    instanceName: "broken", options: [:], workspace: workspace.path),
                logger: Logger(label: "test"))
        }
    }

    @Test func configurationIsCheckedBeforeThePluginSeesIt() throws {
        #expect(throws: ProviderError(.invalidRequest, "options of provider cecho must be an object")) {
            _ = try PluginProvider(
                plugin: plugin,
                configuration: PluginProviderConfiguration(
                    instanceName: "cecho", options: [1], workspace: workspace.path),
                logger: Logger(label: "test"))
        }
        #expect(
            throws: ProviderError(.invalidRequest, "provider instance name \"../x\" cannot name a directory")
        ) {
            _ = try PluginProvider(
                plugin: plugin,
                configuration: PluginProviderConfiguration(
                    instanceName: "../x", options: [:], workspace: workspace.path),
                logger: Logger(label: "test"))
        }
    }

    @Test func describeWithoutAModelList() async throws {
        let directory = try PluginDirectory()
        try FixtureCompiler.build(minimalPluginSource, into: directory.file("fixture.so"))
        let fixture = try #require(
            PluginCatalog.discover(searchPath: PluginSearchPath(directories: [directory.path])).plugin(
                named: "fixture"))
        let provider = try PluginProvider(
            plugin: fixture,
            configuration: PluginProviderConfiguration(
                instanceName: "minimal", options: [:], workspace: workspace.path),
            logger: Logger(label: "test"))
        #expect(
            try await provider.describe()
                == ProviderCapabilities(modelSwitch: .restart, models: nil, canResume: false))
    }
}
