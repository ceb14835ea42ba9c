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
final class HostedInstance: PluginChannel, @unchecked Sendable {
    let plugin: LoadedPlugin
    let name: String
    let router: PluginEventRouter
    private let logger: Logger
    private let handle: UnsafeMutableRawPointer?
    private let callbacks: UnsafeMutablePointer<agentws_host_callbacks>
    private let functions: PluginFunctions
    /// Where the callbacks go; the callback table points at it.
    private let target: CallbackTarget

    /// Creates an instance whose events and logs go to a router of its own.
    convenience init(plugin: LoadedPlugin, configuration: PluginProviderConfiguration, logger: Logger)
        throws(ProviderError)
    {
        let logger = Self.logger(logger, plugin: plugin, instance: configuration.instanceName)
        let router = PluginEventRouter(label: plugin.label, logger: logger)
        try self.init(
            plugin: plugin, configuration: configuration, logger: logger, router: router,
            target: CallbackTarget(router: router))
    }

    /// Creates an instance whose callbacks go to `target` (a plugin host relays them).
    init(
        plugin: LoadedPlugin, configuration: PluginProviderConfiguration, logger: Logger,
        router: PluginEventRouter,
        target: CallbackTarget
    ) throws(ProviderError) {
        guard let functions = plugin.functions else {
            throw ProviderError(
                .providerFailed, "\(plugin.label) was examined in a plugin host and is not loaded here")
        }
        let callbacks = UnsafeMutablePointer<agentws_host_callbacks>.allocate(capacity: 1)
        callbacks.initialize(
            to: agentws_host_callbacks(
                struct_size: UInt32(MemoryLayout<agentws_host_callbacks>.size),
                abi_minor: PluginABI.minor,
                // Unretained: the target outlives `destroy`, after which no callback may come.
                context: Unmanaged.passUnretained(target).toOpaque(),
                emit_event: { context, json, length in
                    guard let context else { return }
                    Unmanaged<CallbackTarget>.fromOpaque(context).takeUnretainedValue().event(json, length)
                },
                log: { context, level, message, length in
                    guard let context else { return }
                    Unmanaged<CallbackTarget>.fromOpaque(context).takeUnretainedValue().log(
                        level, message, length)
                }))

        var config = JSONWriter.compact(configuration.json)
        let configLength = config.count
        config.append(0)  // not part of the contract, but C code may rely on it anyway
        var handle: UnsafeMutableRawPointer?
        var errorJSON: UnsafeMutablePointer<CChar>?
        var errorLength = 0
        let status = config.withUnsafeBytes { bytes in
            let text = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
            return functions.create(text, configLength, callbacks, &handle, &errorJSON, &errorLength)
        }
        guard status == 0 else {
            let error = Self.createError(
                plugin: plugin, instanceName: configuration.instanceName, status: status,
                json: errorJSON.map { UnsafeRawBufferPointer(start: $0, count: errorLength) })
            if let errorJSON { functions.freeBuffer(errorJSON, errorLength) }
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
        self.functions = functions
        self.target = target
    }

    static func logger(_ logger: Logger, plugin: LoadedPlugin, instance: String) -> Logger {
        var logger = logger
        logger[metadataKey: "plugin"] = "\(plugin.name)"
        logger[metadataKey: "provider"] = "\(instance)"
        return logger
    }

    deinit {
        functions.destroy(handle)
        callbacks.deinitialize(count: 1)
        callbacks.deallocate()
    }

    /// Calls `method`; `complete` runs once with what the completion delivered, on whatever thread
    /// the plugin completes on — possibly before `call` returns.
    func call(_ method: String, _ params: JSONValue, complete: @escaping @Sendable (CallReply) -> Void) {
        var request = JSONWriter.compact(["method": .string(method), "params": params])
        let length = request.count
        request.append(0)
        let caller = CallRegistry.Caller(label: "\(plugin.label) \(method)", logger: logger)
        let id = CallRegistry.shared.register(caller: caller, complete: complete)
        request.withUnsafeBytes { bytes in
            functions.call(
                handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), length,
                { context, status, json, length in
                    CallRegistry.shared.complete(
                        id: UInt(bitPattern: context), status: status, json: json, length: length)
                }, UnsafeMutableRawPointer(bitPattern: id))
        }
    }

    func reply(_ method: String, _ params: JSONValue) async throws(ProviderError) -> CallReply {
        await withCheckedContinuation { continuation in
            call(method, params) { continuation.resume(returning: $0) }
        }
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
