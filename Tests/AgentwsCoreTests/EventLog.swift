import AgentwsCore
import AgentwsSystem

/// Collects a send's events.
final class EventLog: Sendable {
    private let events = Locked<[SessionEvent]>([])
    var all: [SessionEvent] { events.withLock { $0 } }
    var text: String {
        all.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined()
    }
    var warnings: [String] {
        all.compactMap { if case .warning(let text) = $0 { return text } else { return nil } }
    }
    var handler: @Sendable (SessionEvent) -> Void { { [self] event in events.withLock { $0.append(event) } } }
}
