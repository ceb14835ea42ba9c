import AgentwsCore
import AgentwsJSON

/// Where a provider instance's plugin runs: `HostedInstance` in this process, or `IsolatedChannel`
/// in a plugin host process. `PluginProvider` and `PluginSession` speak the method protocol over
/// either, so both give the same answers and the same messages.
protocol PluginChannel: AnyObject, Sendable {
    /// The plugin serving the instance.
    var plugin: LoadedPlugin { get }
    /// The provider instance name.
    var name: String { get }
    /// Where the instance's events go.
    var router: PluginEventRouter { get }
    /// Makes one call and returns what the plugin's completion delivered; throws only when the
    /// plugin could not be reached (its host died).
    func reply(_ method: String, _ params: JSONValue) async throws(ProviderError) -> CallReply
}

extension PluginChannel {
    /// Calls `method` and waits for its completion. Returns the result; a failure reported by the
    /// plugin becomes its `ProviderError`, anything malformed becomes `provider-failed` naming the
    /// plugin.
    func perform(_ method: String, _ params: JSONValue) async throws(ProviderError) -> JSONValue {
        switch try await reply(method, params) {
        case .success(let result):
            return result
        case .failure(let error):
            throw decodeFailure(error, method: method)
        case .malformed(let problem):
            throw ReplyFields.malformed(label: plugin.label, method: method, problem)
        }
    }

    /// `perform` for methods whose result must be an object.
    func request(_ method: String, _ params: JSONValue) async throws(ProviderError) -> ReplyFields {
        try ReplyFields(await perform(method, params), label: plugin.label, method: method)
    }

    /// The error object of AGENTWS_CALL_ERROR as a `ProviderError` prefixed with the instance name.
    private func decodeFailure(_ error: JSONValue, method: String) -> ProviderError {
        guard let code = error["code"]?.stringValue, let message = error["message"]?.stringValue else {
            return ReplyFields.malformed(
                label: plugin.label, method: method,
                "failed with an error that is not {\"code\": …, \"message\": …}: "
                    + ReplyFields.excerpt(error))
        }
        guard let known = ProviderErrorCode(rawValue: code) else {
            return ReplyFields.malformed(
                label: plugin.label, method: method, "failed with unknown error code \"\(code)\": \(message)")
        }
        return ProviderError(known, "\(name): \(message)")
    }
}

/// What the plugin's `emit_event` and `log` callbacks reach: the instance's router in this process,
/// the relay to the parent in a plugin host. Both closures may run on any thread; the buffers are
/// valid only during the call.
final class CallbackTarget: Sendable {
    let event: @Sendable (UnsafePointer<CChar>?, Int) -> Void
    let log: @Sendable (Int32, UnsafePointer<CChar>?, Int) -> Void

    init(
        event: @escaping @Sendable (UnsafePointer<CChar>?, Int) -> Void,
        log: @escaping @Sendable (Int32, UnsafePointer<CChar>?, Int) -> Void
    ) {
        self.event = event
        self.log = log
    }

    /// Callbacks handled by `router` here.
    convenience init(router: PluginEventRouter) {
        self.init(
            event: { router.receive(json: $0, length: $1) },
            log: { router.log(level: $0, message: $1, length: $2) })
    }
}
