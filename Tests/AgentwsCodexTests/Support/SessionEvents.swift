import AgentwsCore
import AgentwsSystem
import AgentwsTestSupport

/// Collects a session's events; called from the plugin's reader thread.
final class Events: Sendable {
    private let events = Locked<[ProviderEvent]>([])
    var handler: ProviderEventHandler { { event in self.events.withLock { $0.append(event) } } }
    var all: [ProviderEvent] { events.withLock { $0 } }
    var text: String {
        all.map { event -> String in
            if case .text(let text) = event { return text }
            return ""
        }.joined()
    }
    var notices: [String] {
        all.compactMap { event -> String? in
            if case .notice(let text) = event { return text }
            return nil
        }
    }
}

/// Waits for `condition`, failing after 30 s.
func waitUntil(_ what: @autoclosure () -> String, _ condition: () throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(30)
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for \(what())") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
