import AgentwsCore
import AgentwsJSON
import AgentwsTestSupport
import Foundation
import Logging
import Testing

@testable import AgentwsPlugins

/// The relay of plugin isolation in this process: `IsolatedProvider` against a real
/// plugin host (`agentws-plugin-host`, or agentws itself as `agentws plugin-host`) serving the
/// threaded fixture plugin (events and completions from threads of
/// its own) and the fault plugin. Run under Thread Sanitizer by scripts/tsan.
@Suite struct IsolatedRelayTests {
    /// Without `agentws-plugin-host` beside it, agentws starts itself as the host.
    @Test func withoutTheHostProgramAgentwsServesItself() throws {
        let directory = try PluginDirectory()
        let agentws = directory.file("agentws")
        let settings = PluginHostSettings.forProgram(agentws)
        #expect(settings.executable == agentws)
        #expect(settings.arguments == ["agentws", "plugin-host"])
    }

    private let directory: PluginDirectory
    private let workspace: PluginDirectory
    private let logs = LogRecorder()

    init() throws {
        directory = try PluginDirectory()
        workspace = try PluginDirectory()
        try FixtureCompiler.build(threadedPluginSource, into: directory.file("threaded.so"))
        try FixtureCompiler.build(faultPluginSource, into: directory.file("fault.so"))
    }

    /// How agentws starts hosts: `agentws-plugin-host` beside it, or with `helper: false` agentws
    /// itself as `agentws plugin-host` (what it falls back to without the helper).
    static func hostSettings(helper: Bool = true) throws -> PluginHostSettings {
        let agentws = try BuildProducts.executable("agentws")
        guard helper else { return PluginHostSettings(executable: agentws, callTimeout: .seconds(30)) }
        let settings = PluginHostSettings.forProgram(agentws, callTimeout: .seconds(30))
        #expect(settings.executable == (try BuildProducts.executable("agentws-plugin-host")))
        #expect(settings.arguments == ["agentws-plugin-host"])
        return settings
    }

    private func provider(
        _ name: String, plugin: String, options: JSONValue = [:], helper: Bool = true,
        settings given: PluginHostSettings? = nil
    ) async throws -> IsolatedProvider {
        let settings = try given ?? Self.hostSettings(helper: helper)
        let catalog = await PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [directory.path]),
            isolation: PluginCatalog.Isolation(
                settings: settings, logDirectory: workspace.path, isolates: { _ in true }))
        let found = try #require(catalog.plugin(named: plugin), "\(catalog.refused)")
        return IsolatedProvider(
            plugin: found,
            configuration: PluginProviderConfiguration(
                instanceName: name, options: options, workspace: workspace.path),
            settings: settings, logger: logs.logger())
    }

    private func start(_ provider: IsolatedProvider, _ events: EventRecorder, thread: String) async throws
        -> any ProviderSession
    {
        try await provider.start(
            SessionStartRequest(
                thread: try ThreadID(thread), cwd: workspace.path, model: nil, runtimeMode: nil,
                resumeCursor: nil),
            events: events.handler)
    }

    /// The same events, in the same order, and the same cursors as in process (ThreadedPluginTests),
    /// whichever program serves as the host.
    @Test(arguments: [true, false])
    func eventsAndCompletionsCrossTheRelayInOrder(helper: Bool) async throws {
        let provider = try await provider("threads", plugin: "threaded", helper: helper)
        let events = EventRecorder()
        let session = try await start(provider, events, thread: "t1")
        #expect(events.recorded == [.notice("starting t1")])
        #expect(session.cursor == ["n": 1])
        #expect(try await session.send(TurnRequest(text: "hello")) == TurnOutcome(stopReason: .endTurn))
        #expect(
            events.recorded == [
                .notice("starting t1"), .busy(true), .text("thread says: hello"),
                .toolCall(["id": "1", "status": "done"]),
                .other(["session": "t1", "type": "plan", "steps": 2]), .busy(false),
            ])
        #expect(try await session.send(TurnRequest(text: "new-cursor")).cursor == ["n": 99])
        try await session.stop()
        await provider.shutdown()
    }

    /// Turns of several sessions at once, all answered, each session's events its own.
    @Test func concurrentSessionsThroughOneHost() async throws {
        let provider = try await provider("threads", plugin: "threaded")
        let recorders = (0..<4).map { _ in EventRecorder() }
        var sessions: [any ProviderSession] = []
        for (index, recorder) in recorders.enumerated() {
            sessions.append(try await start(provider, recorder, thread: "t\(index)"))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, session) in sessions.enumerated() {
                group.addTask {
                    for turn in 0..<5 {
                        let outcome = try await session.send(TurnRequest(text: "s\(index) turn \(turn)"))
                        #expect(outcome.stopReason == .endTurn)
                    }
                }
            }
            try await group.waitForAll()
        }
        for (index, recorder) in recorders.enumerated() {
            let texts = recorder.recorded.compactMap { event -> String? in
                if case .text(let text) = event { return text }
                return nil
            }
            #expect(texts == (0..<5).map { "thread says: s\(index) turn \($0)" })
        }
        for session in sessions { try await session.stop() }
        await provider.shutdown()
    }

    /// A host that dies mid-turn: the turn fails naming the plugin and the signal, the other live
    /// session hears `.ended` with the same reason, and the next call starts a new host.
    @Test func aDeadHostFailsItsCallsAndEndsItsSessions() async throws {
        let provider = try await provider("crashy", plugin: "fault", options: ["fault": "abort-in-send"])
        let idle = EventRecorder()
        // Kept: a session nobody holds any more hears nothing.
        let idleSession = try await start(provider, idle, thread: "idle")
        let busy = try await start(provider, EventRecorder(), thread: "busy")
        do {
            _ = try await busy.send(TurnRequest(text: "hello"))
            Issue.record("the turn of a plugin that aborts succeeded")
        } catch {
            #expect(error.code == .providerFailed)
            #expect(
                error.message.contains(
                    "plugin host of provider crashy (plugin fault) died: killed by SIGABRT"))
            #expect(
                error.message.contains("fault plugin: aborting in send"), "the stderr tail: \(error.message)")
        }
        // The turn fails as soon as the host's output ends; the sessions hear of it right after.
        func ended() -> [String] {
            idle.recorded.compactMap { event -> String? in
                if case .ended(let reason) = event { return reason }
                return nil
            }
        }
        for _ in 0..<500 where ended().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        let ended = ended()
        #expect(ended.count == 1 && ended[0].contains("killed by SIGABRT"), "\(idle.recorded)")
        try await idleSession.stop()
        // A new host serves the next call.
        #expect(try await provider.describe().canResume)
        await provider.shutdown()
    }

    /// A host ended by agentws (`closing`, then the end of its input) leaves its stderr to agentws,
    /// which logs the plugin's last words in `destroy` and the end of the host; the warning the
    /// plugin logs there reaches agentws's logger through the relay.
    @Test func aHostEndedByAgentwsLeavesItsLastWordsToAgentws() async throws {
        let provider = try await provider("closing", plugin: "fault", options: ["fault": "talks-in-destroy"])
        #expect(try await provider.describe().canResume)
        await provider.shutdown()
        let log = workspace.path.appendingPathComponent(".agentws/state/providers/closing/plugin-host.log")
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("] fault plugin: last words on stderr in destroy"), "\(text)")
        #expect(text.contains("] === ended: exit status 0"), "\(text)")
        #expect(!text.contains("agentws has gone"), "\(text)")
        #expect(
            logs.recorded.contains { $0.contains("fault plugin: a warning logged in destroy") },
            "\(logs.recorded)")
    }

    /// A host whose input ends without `closing` takes agentws for gone and logs its own stderr
    /// while its instance is destroyed (`PluginHostLeftAlone`): here its input is closed while this
    /// process still reads, as a one-shot command's exit would close it. Under scripts/tsan the
    /// host is instrumented, and what Thread Sanitizer would report lands in the same log.
    @Test func aHostLeftAloneLogsItsLastWordsItself() async throws {
        let log = workspace.file("left-alone.log")
        let host = try PluginHost.launch(
            label: "plugin host of provider alone (plugin fault)", purpose: "provider alone", logPath: log,
            settings: try Self.hostSettings(), logger: logs.logger())
        let configuration = PluginProviderConfiguration(
            instanceName: "alone", options: ["fault": "talks-in-destroy"], workspace: workspace.path)
        let created = host.send(
            PluginHostProtocol.create,
            [
                "path": .string(directory.file("fault.so")), "directory": .string(directory.path),
                "configuration": PluginHostProtocol.configuration(configuration),
                "stderrLog": ["path": .string(log), "name": "plugin host of provider alone (plugin fault)"],
            ])
        #expect(PluginHostProtocol.plugin(from: try await created.answer())?.name == "fault")
        host.release()
        try await waitUntil(
            "the host has logged its end: \(logLines(log, containing: ""))", limit: .seconds(20)
        ) {
            logLines(log, containing: "] === destroyed its instance; exiting") == 1
        }
        let prefix = "plugin host of provider alone (plugin fault)["
        for line in [
            "=== agentws has gone", "fault plugin: last words on stderr in destroy",
            "fault plugin: a warning logged in destroy",
        ] {
            #expect(logLines(log, containing: prefix) > 0 && logLines(log, containing: line) == 1, "\(line)")
        }
        #expect(logLines(log, containing: "ThreadSanitizer") == 0)
    }

    /// How many hosts instance `name` started: each writes one `=== started` line to its log.
    private func hostStarts(_ name: String) -> Int {
        logLines(
            workspace.path.appendingPathComponent(".agentws/state/providers/\(name)/plugin-host.log"),
            containing: "=== started")
    }

    /// Calls that arrive while the host is being started wait for that host: a send prepared while
    /// its command line is parsed, then its first call; two sessions of a daemon starting at once.
    @Test func callsDuringALaunchShareItsHost() async throws {
        let prepared = try await provider("shared", plugin: "threaded")
        await prepared.prepare()
        async let first = prepared.describe()
        async let second = prepared.describe()
        let answers = try await [first, second]
        #expect(answers.allSatisfy { $0.canResume })
        #expect(hostStarts("shared") == 1)
        let fresh = try await provider("racing", plugin: "threaded")
        async let third = fresh.describe()
        async let fourth = fresh.describe()
        _ = try await [third, fourth]
        #expect(hostStarts("racing") == 1)
        await prepared.shutdown()
        await fresh.shutdown()
    }

    /// A prepared launch whose host dies while creating the instance: the first call hears that
    /// death as its own, in the same words as without preparation (not as a backoff); the call
    /// after it is backed off as usual.
    @Test func aPreparedLaunchThatCrashesIsTheFirstCallsFailure() async throws {
        func failure(_ provider: IsolatedProvider) async -> String {
            do {
                _ = try await provider.describe()
                return "no failure"
            } catch {
                return error.message
            }
        }
        let plain = try await provider("crash", plugin: "fault", options: ["fault": "exit-in-create"])
        let unprepared = await failure(plain)
        #expect(
            unprepared.contains("plugin host of provider crash (plugin fault) died: exited with status 3"))
        let early = try await provider("early", plugin: "fault", options: ["fault": "exit-in-create"])
        // Before the launch's failure, hence before its backoff of 1 s began.
        let failedBefore = ContinuousClock.now
        await early.prepare()
        let prepared = await failure(early)
        #expect(prepared.replacingOccurrences(of: "early", with: "crash") == unprepared)
        #expect(hostStarts("early") == 1)
        let again = await failure(early)
        // The backoff lasts 1 s; on a loaded machine the second call may come after it.
        if ContinuousClock.now - failedBefore < .seconds(1) {
            #expect(again.contains("It crashed while starting 1 time in a row"), "\(again)")
            #expect(hostStarts("early") == 1)
        }
    }

}

/// `PluginFileCheck.runIsolated`, for `agentws plugin check`: a good file is described, a file whose
/// constructor crashes is refused with how its host died, and the check itself survives both.
@Suite struct IsolatedFileCheckTests {
    @Test func checksAGoodFileAndSurvivesACrashingOne() async throws {
        let directory = try PluginDirectory()
        let scratch = try PluginDirectory()
        try FixtureCompiler.build(faultPluginSource, into: directory.file("fault.so"))
        try FixtureCompiler.build(
            faultPluginSource, into: directory.file("segv.so"),
            defines: ["FAULT_CONSTRUCTOR_SEGV", "FIXTURE_NAME=\"segv\""])
        let settings = try IsolatedRelayTests.hostSettings()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let good = try await PluginFileCheck.runIsolated(
            path: directory.file("fault.so"), instanceName: "check", scratch: scratch.path,
            settings: settings,
            logger: logger)
        #expect(good.plugin.name == "fault" && good.capabilities.canResume)
        do {
            _ = try await PluginFileCheck.runIsolated(
                path: directory.file("segv.so"), instanceName: "check", scratch: scratch.path,
                settings: settings, logger: logger)
            Issue.record("a plugin whose constructor crashes passed the check")
        } catch let refusal as PluginRefusal {
            #expect(refusal.path == directory.file("segv.so"))
            #expect(
                refusal.description.contains("loading it in a plugin host killed the host: killed by SIGSEGV")
            )
        }
    }
}
