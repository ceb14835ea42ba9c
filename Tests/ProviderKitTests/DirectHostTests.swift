import AgentwsSystem
import ProviderKit
import Testing

/// The in-process host the benchmark uses to call a plugin's logic without the C ABI.
@Suite("A host in the same process")
struct DirectHostTests {
    final class Recorder: Sendable {
        let events = Locked<[PluginEvent]>([])
        let sessions = Locked<Set<String>>([])
        let lines = Locked<[String]>([])
    }

    @Test func eventsAndLogLinesArriveAsSwiftValues() async throws {
        let recorder = Recorder()
        let host = PluginHost(
            events: { event, session in
                recorder.events.withLock { $0.append(event) }
                recorder.sessions.withLock { _ = $0.insert(session) }
            },
            log: { level, message in recorder.lines.withLock { $0.append("\(level): \(message)") } })
        let probe = try ProbePlugin(
            configuration: PluginConfiguration(
                instanceName: "direct", options: [:], workspace: "/w", stateDirectory: "/w/state"),
            host: host)
        let result = try await probe.send(PluginTurnRequest(session: "probe-t1", text: "hello", model: nil))

        #expect(result.stopReason == .endTurn)
        #expect(
            recorder.events.withLock { $0 }
                == [
                    .text("you said: "), .notice("a notice"),
                    .toolCall(["id": "t1", "title": "look", "status": "completed"]), .busy(true),
                    .text("hello"),
                ])
        #expect(recorder.sessions.withLock { $0 } == ["probe-t1"])
        #expect(recorder.lines.withLock { $0 } == ["info: probe created for direct"])
    }
}
