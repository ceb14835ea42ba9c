import AgentwsCore
import AgentwsJSON
import AgentwsSystem

/// Collects a provider session's events, as a test receives them (from the plugin's reader thread).
package final class Events: Sendable {
    private let events = Locked<[ProviderEvent]>([])

    package init() {}

    /// The handler to give `Provider.start`.
    package var handler: ProviderEventHandler { { event in self.events.withLock { $0.append(event) } } }
    /// Every event so far, in order.
    package var all: [ProviderEvent] { events.withLock { $0 } }
    /// The text events joined: the reply so far.
    package var text: String {
        all.map { event -> String in
            if case .text(let text) = event { return text }
            return ""
        }.joined()
    }
    /// The notices, in order.
    package var notices: [String] {
        all.compactMap { event -> String? in
            if case .notice(let text) = event { return text }
            return nil
        }
    }
    /// The tool calls and their updates, in order.
    package var toolCalls: [JSONValue] {
        all.compactMap { event -> JSONValue? in
            if case .toolCall(let call) = event { return call }
            return nil
        }
    }
}
