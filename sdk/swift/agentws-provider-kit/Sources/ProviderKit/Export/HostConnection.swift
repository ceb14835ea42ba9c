import AgentwsJSON
import AgentwsSystem
import CAgentwsProvider

/// The host's callback table, closed for good when the instance is destroyed.
///
/// `destroy` must not return while a callback is still running or let one start afterwards, yet a
/// callback must not run under a lock (the host may call back into the plugin from it). So callers
/// register as in flight, and `close` waits until the last one has left.
final class HostConnection: @unchecked Sendable {
    // @unchecked: the copied table is immutable and the header allows calls from any thread; the
    // mutable part is behind `state`.
    private let context: UnsafeMutableRawPointer?
    private let emitEvent: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int) -> Void
    private let logLine: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int) -> Void

    private struct State {
        var open = true
        var inFlight = 0
        var drained: Semaphore?
    }
    private let state = Locked(State())

    /// Copies the host's table, refusing one that is too small or has a missing function.
    init(callbacks: UnsafePointer<agentws_host_callbacks>?) throws(PluginError) {
        guard let callbacks else {
            throw PluginError(code: .invalidRequest, message: "create was given no host callback table")
        }
        let needed = MemoryLayout<agentws_host_callbacks>.size
        let declared = Int(callbacks.pointee.struct_size)
        guard declared >= needed else {
            throw PluginError(
                code: .invalidRequest,
                message: "the host's callback table declares \(declared) bytes; this plugin needs \(needed)"
            )
        }
        guard let emitEvent = callbacks.pointee.emit_event, let logLine = callbacks.pointee.log else {
            throw PluginError(code: .invalidRequest, message: "the host's callback table has a NULL function")
        }
        self.context = callbacks.pointee.context
        self.emitEvent = emitEvent
        self.logLine = logLine
    }

    func emit(_ event: JSONValue) {
        let bytes = JSONWriter.compact(event)
        whileOpen { withWireBytes(bytes) { emitEvent(context, $0, $1) } }
    }

    func log(_ level: PluginHost.LogLevel, _ message: String) {
        let code: Int32
        switch level {
        case .debug: code = Int32(AGENTWS_LOG_DEBUG)
        case .info: code = Int32(AGENTWS_LOG_INFO)
        case .warning: code = Int32(AGENTWS_LOG_WARNING)
        case .error: code = Int32(AGENTWS_LOG_ERROR)
        }
        let bytes = Array(message.utf8)
        whileOpen { withWireBytes(bytes) { logLine(context, code, $0, $1) } }
    }

    /// Drops every later callback and waits for the ones in flight to return.
    func close() {
        let drained: Semaphore? = state.withLock { state in
            state.open = false
            guard state.inFlight > 0 else { return nil }
            let semaphore = Semaphore()
            state.drained = semaphore
            return semaphore
        }
        drained?.wait()
    }

    private func whileOpen(_ body: () -> Void) {
        let entered = state.withLock { state in
            guard state.open else { return false }
            state.inFlight += 1
            return true
        }
        guard entered else { return }
        body()
        let drained: Semaphore? = state.withLock { state in
            state.inFlight -= 1
            return state.inFlight == 0 ? state.drained : nil
        }
        drained?.signal()
    }
}
