import AgentwsJSON
import AgentwsSystem
import CAgentwsProvider

/// The host side of the callbacks: records every event and log line a plugin instance sends.
final class HostRecorder: Sendable {
    /// A log line as received.
    struct LogLine: Sendable, Equatable {
        let level: Int32
        let message: String
    }

    private struct Waiter {
        let matches: @Sendable (JSONValue) -> Bool
        let continuation: CheckedContinuation<JSONValue, Never>
    }

    private struct State {
        var events: [JSONValue] = []
        var logLines: [LogLine] = []
        var waiters: [Waiter] = []
    }
    private let state = Locked(State())

    var events: [JSONValue] { state.withLock { $0.events } }
    var logLines: [LogLine] { state.withLock { $0.logLines } }

    /// The events of `session`, in order.
    func events(of session: String) -> [JSONValue] {
        events.filter { $0["session"]?.stringValue == session }
    }

    /// The concatenated text events of `session`.
    func text(of session: String) -> String {
        events(of: session).filter { $0["type"] == "text" }.compactMap { $0["text"]?.stringValue }.joined()
    }

    /// The first event, past or future, that `matches`.
    func event(where matches: @escaping @Sendable (JSONValue) -> Bool) async -> JSONValue {
        await withCheckedContinuation { continuation in
            let found = state.withLock { state -> JSONValue? in
                if let found = state.events.first(where: matches) { return found }
                state.waiters.append(Waiter(matches: matches, continuation: continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    func record(event: JSONValue) {
        let ready = state.withLock { state -> [Waiter] in
            state.events.append(event)
            let ready = state.waiters.filter { $0.matches(event) }
            state.waiters.removeAll { $0.matches(event) }
            return ready
        }
        for waiter in ready { waiter.continuation.resume(returning: event) }
    }

    func record(log line: LogLine) {
        state.withLock { $0.logLines.append(line) }
    }

    /// A callback table for `create`, pointing at this recorder. Freed by the caller after destroy.
    func makeCallbacks() -> UnsafeMutablePointer<agentws_host_callbacks> {
        let table = UnsafeMutablePointer<agentws_host_callbacks>.allocate(capacity: 1)
        table.initialize(
            to: agentws_host_callbacks(
                struct_size: UInt32(MemoryLayout<agentws_host_callbacks>.size),
                abi_minor: UInt32(AGENTWS_PROVIDER_ABI_MINOR),
                context: Unmanaged.passUnretained(self).toOpaque(),
                emit_event: { context, json, length in
                    guard let context else { return }
                    let recorder = Unmanaged<HostRecorder>.fromOpaque(context).takeUnretainedValue()
                    let bytes = readBytes(json, length)
                    recorder.record(
                        event: (try? JSONParser.parse(bytes: bytes)) ?? .string("<unparsable event>"))
                },
                log: { context, level, message, length in
                    guard let context else { return }
                    let recorder = Unmanaged<HostRecorder>.fromOpaque(context).takeUnretainedValue()
                    let text = String(decoding: readBytes(message, length), as: UTF8.self)
                    recorder.record(log: LogLine(level: level, message: text))
                }
            )
        )
        return table
    }
}

/// Copies bytes a plugin handed over for the duration of a callback.
func readBytes(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> [UInt8] {
    guard let pointer else { return [] }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        Array(UnsafeBufferPointer(start: $0, count: length))
    }
}
