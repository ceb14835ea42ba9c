import AgentwsCore
import AgentwsJSON
import CAgentwsProvider
import Logging

/// One instance created by a plugin's `create`, destroyed when the last reference goes.
///
/// Sessions and calls in flight hold a reference, so `destroy` runs only when nothing is
/// outstanding, as the ABI requires. `@unchecked Sendable`: the only mutable state is the plugin's,
/// behind an opaque pointer the ABI makes safe to use from any thread; the callback table is
/// written once before `create` and only read afterwards.
final class PluginInstance: @unchecked Sendable {
    let plugin: LoadedPlugin
    let name: String
    let router: EventRouter
    private let logger: Logger
    private let handle: UnsafeMutableRawPointer?
    private let callbacks: UnsafeMutablePointer<agentws_host_callbacks>

    init(plugin: LoadedPlugin, configuration: PluginProviderConfiguration, logger: Logger)
        throws(ProviderError)
    {
        var logger = logger
        logger[metadataKey: "plugin"] = "\(plugin.name)"
        logger[metadataKey: "provider"] = "\(configuration.instanceName)"
        let router = EventRouter(label: plugin.label, logger: logger)
        let callbacks = UnsafeMutablePointer<agentws_host_callbacks>.allocate(capacity: 1)
        callbacks.initialize(
            to: agentws_host_callbacks(
                struct_size: UInt32(MemoryLayout<agentws_host_callbacks>.size),
                abi_minor: PluginABI.minor,
                // Unretained: the router outlives `destroy`, after which no callback may come.
                context: Unmanaged.passUnretained(router).toOpaque(),
                emit_event: { context, json, length in
                    guard let context else { return }
                    Unmanaged<EventRouter>.fromOpaque(context).takeUnretainedValue().receive(
                        json: json, length: length)
                },
                log: { context, level, message, length in
                    guard let context else { return }
                    Unmanaged<EventRouter>.fromOpaque(context).takeUnretainedValue()
                        .log(level: level, message: message, length: length)
                }))

        var config = JSONWriter.compact(configuration.json)
        let configLength = config.count
        config.append(0)  // not part of the contract, but C code may rely on it anyway
        var handle: UnsafeMutableRawPointer?
        var errorJSON: UnsafeMutablePointer<CChar>?
        var errorLength = 0
        let status = config.withUnsafeBytes { bytes in
            let text = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
            return plugin.functions.create(text, configLength, callbacks, &handle, &errorJSON, &errorLength)
        }
        guard status == 0 else {
            let error = Self.createError(
                plugin: plugin, instanceName: configuration.instanceName, status: status,
                json: errorJSON.map { UnsafeRawBufferPointer(start: $0, count: errorLength) })
            if let errorJSON { plugin.functions.freeBuffer(errorJSON, errorLength) }
            callbacks.deinitialize(count: 1)
            callbacks.deallocate()
            throw error
        }
        self.plugin = plugin
        self.name = configuration.instanceName
        self.router = router
        self.logger = logger
        self.handle = handle
        self.callbacks = callbacks
    }

    deinit {
        plugin.functions.destroy(handle)
        callbacks.deinitialize(count: 1)
        callbacks.deallocate()
    }

    /// Calls `method` and waits for its completion, which may come on any thread, even before the
    /// plugin's `call` returns. Returns the result; a failure reported by the plugin becomes its
    /// `ProviderError`, anything malformed becomes `provider-failed` naming the plugin.
    func perform(_ method: String, _ params: JSONValue) async throws(ProviderError) -> JSONValue {
        var request = JSONWriter.compact(["method": .string(method), "params": params])
        let length = request.count
        request.append(0)
        let reply = await withCheckedContinuation { (continuation: CheckedContinuation<CallReply, Never>) in
            let caller = CallRegistry.Caller(label: "\(plugin.label) \(method)", logger: logger)
            let id = CallRegistry.shared.register(continuation, caller: caller)
            request.withUnsafeBytes { bytes in
                plugin.functions.call(
                    handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), length,
                    { context, status, json, length in
                        CallRegistry.shared.complete(
                            id: UInt(bitPattern: context), status: status, json: json, length: length)
                    }, UnsafeMutableRawPointer(bitPattern: id))
            }
        }
        switch reply {
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

    private static func createError(
        plugin: LoadedPlugin, instanceName: String, status: Int32, json: UnsafeRawBufferPointer?
    ) -> ProviderError {
        let failed = "\(plugin.label) could not create provider \(instanceName)"
        guard let json, json.count > 0 else {
            return ProviderError(.providerFailed, "\(failed) (create returned \(status) without an error)")
        }
        guard let error = try? JSONParser.parse(bytes: json),
            let code = error["code"]?.stringValue, let message = error["message"]?.stringValue
        else {
            let text = String(decoding: json.prefix(200), as: UTF8.self)
            return ProviderError(
                .providerFailed, "\(failed); its error is not {\"code\": …, \"message\": …}: \(text)")
        }
        return ProviderError(ProviderErrorCode(rawValue: code) ?? .providerFailed, "\(failed): \(message)")
    }
}
