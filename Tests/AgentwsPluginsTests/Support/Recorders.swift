import AgentwsCore
import AgentwsSystem
import Logging

@testable import AgentwsPlugins

/// Collects a session's events; the handler may be called from any thread.
final class EventRecorder: Sendable {
    private let events = Locked<[ProviderEvent]>([])

    var handler: ProviderEventHandler {
        { event in self.events.withLock { $0.append(event) } }
    }

    var recorded: [ProviderEvent] { events.withLock { $0 } }
}

/// A swift-log handler that keeps the messages, so tests can check what was logged.
final class LogRecorder: Sendable {
    private let messages = Locked<[String]>([])

    var recorded: [String] { messages.withLock { $0 } }

    /// A logger at debug level that records into this recorder.
    func logger() -> Logger {
        Logger(label: "test") { _ in Handler(recorder: self) }
    }

    fileprivate func append(_ line: String) { messages.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.append("\(event.level): \(event.message)")
        }
    }
}
