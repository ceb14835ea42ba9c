import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsSystem
import AgentwsTestSupport
import Foundation
import Logging
import Testing

extension ACPProviderTests {
    /// The plugin through the loader and `PluginProvider`, as a daemon holds it: a session that stays
    /// live between calls, so several turns on one agent process, busy state and interrupts show.
    @Suite("plugin session")
    struct PluginSessionTests {
        private func provider(_ name: String, _ acp: ACPWorkspace) throws -> PluginProvider {
            let catalog = PluginCatalog.discover(
                searchPath: PluginSearchPath(directories: [BuildProducts.directory]))
            let plugin = try #require(
                catalog.plugin(named: "acp"), "acp plugin not found: \(catalog.refused)")
            let options = try #require(try ACPWorkspace.providers(home: acp.agentHome)[name])
            return try PluginProvider(
                plugin: plugin,
                configuration: PluginProviderConfiguration(
                    instanceName: name, options: .object(options), workspace: acp.workspace),
                logger: Logger(label: "acp-test") { _ in SwiftLogNoOpLogHandler() })
        }

        private func start(
            _ provider: PluginProvider, _ acp: ACPWorkspace, cursor: JSONValue? = nil, model: String? = nil,
            events: Events
        ) async throws -> any ProviderSession {
            try await provider.start(
                .of(cwd: acp.workspace, model: model, resumeCursor: cursor),
                events: events.handler)
        }

        @Test func capabilitiesComeFromTheAgent() async throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            // fast-agent advertises loadSession and session resume, and offers no model option. fork is
            // offered for every agent: only the agent's initialize says whether it can, so fork answers.
            #expect(
                try await provider("fast", acp).describe()
                    == ProviderCapabilities(
                        modelSwitch: .restart, models: nil, canResume: true, canFork: true))
            #expect(
                try await provider("sdk-echo", acp).describe()
                    == ProviderCapabilities(
                        modelSwitch: .restart, models: nil, canResume: false, canFork: true))
            #expect(acp.agentsGone(), "the probes left agents running: \(acp.agentProcesses())")
        }

        @Test func forkOnAnAgentWithoutSessionForkIsUnsupportedNamingTheAgent() async throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            do {
                _ = try await provider("sdk-echo", acp).fork(
                    ForkRequest(
                        thread: try ThreadID("t2"), source: try ThreadID("t1"), cursor: ["sessionId": "s1"],
                        cwd: acp.workspace, model: nil, runtimeMode: nil))
                Issue.record("the SDK's echo agent forked a session it cannot fork")
            } catch let error as ProviderError {
                #expect(error.code == .unsupported, "\(error)")
                #expect(error.message.contains("does not advertise sessionCapabilities.fork"), "\(error)")
                #expect(error.message.contains("echo_agent.py"), "\(error)")
            } catch {
                Issue.record("fork failed with \(error), not a provider error")
            }
            #expect(acp.agentsGone(), "the fork left an agent running: \(acp.agentProcesses())")
        }

        @Test func severalTurnsOnOneAgentThenAResumeConsumesTheReplayedHistory() async throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let provider = try provider("fast", acp)
            let events = Events()
            let session = try await start(provider, acp, model: "passthrough", events: events)
            let cursor = try #require(session.cursor)
            #expect(try await session.send(TurnRequest(text: "one")) == TurnOutcome(stopReason: .endTurn))
            #expect(try await session.send(TurnRequest(text: "two")) == TurnOutcome(stopReason: .endTurn))
            #expect(events.text == "onetwo")
            #expect(acp.agentProcesses().count == 1)
            try await session.stop()
            #expect(acp.agentsGone())

            // fast-agent replays the whole history when it resumes; none of it is a new turn's event.
            let resumedEvents = Events()
            let resumed = try await start(provider, acp, cursor: cursor, events: resumedEvents)
            #expect(resumed.cursor == cursor)
            #expect(resumedEvents.all.isEmpty, "replayed: \(resumedEvents.all)")
            #expect(
                try await resumed.send(TurnRequest(text: "/history")) == TurnOutcome(stopReason: .endTurn))
            #expect(
                resumedEvents.text.contains("Messages: 4 (user: 2, assistant: 2)"), "\(resumedEvents.text)")
            try await resumed.stop()
            #expect(acp.agentsGone())
        }

        @Test func busyWhileATurnRunsOneTurnAtATimeAndInterrupt() async throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let provider = try provider("slow", acp)
            let events = Events()
            let session = try await start(provider, acp, events: events)
            #expect(try await session.isBusy() == false)
            // An interrupt with no turn running is nothing to do.
            try await session.interrupt()

            let held = Task { try await session.send(TurnRequest(text: "slowly")) }
            try await waitUntil("the turn to run") { try await session.isBusy() }
            await #expect(throws: ProviderError.self) {
                try await session.send(TurnRequest(text: "and another"))
            }
            try await session.interrupt()
            #expect(try await held.value == TurnOutcome(stopReason: .cancelled))
            #expect(try await session.isBusy() == false)
            #expect(!events.text.contains("slowly"))

            #expect(try await session.send(TurnRequest(text: "in time")) == TurnOutcome(stopReason: .endTurn))
            #expect(events.text == "in time")
            try await session.stop()
            #expect(acp.agentsGone())
        }

        @Test func stoppingDuringATurnEndsItAsCancelled() async throws {
            let acp = try ACPWorkspace()
            defer { acp.close() }
            let provider = try provider("slow", acp)
            let session = try await start(provider, acp, events: Events())
            let held = Task { try await session.send(TurnRequest(text: "never mind")) }
            try await waitUntil("the turn to run") { try await session.isBusy() }
            try await session.stop()
            #expect(try await held.value == TurnOutcome(stopReason: .cancelled))
            #expect(acp.agentsGone())
        }
    }
}
