import AgentwsJSON
import AgentwsSystem
import CAgentwsProvider
import Testing

/// `create` said no: the error object it handed back (null when it gave none).
struct CreateRefused: Error, Sendable {
    let status: Int32
    let json: JSONValue
    var code: String? { json["code"]?.stringValue }
    var message: String? { json["message"]?.stringValue }
}

/// One plugin instance driven through a C entry table, the way the host drives it.
final class PluginDriver: @unchecked Sendable {
    // @unchecked: the pointers are set once in init; the mutable parts are behind Mutexes.
    let host: HostRecorder
    private let entry: agentws_plugin_entry
    private let callbacks: UnsafeMutablePointer<agentws_host_callbacks>
    private let instance: UnsafeMutableRawPointer
    private let boxes = Locked<[CompletionBox]>([])
    private let destroyed = Locked(false)

    private init(
        entry: agentws_plugin_entry,
        host: HostRecorder,
        callbacks: UnsafeMutablePointer<agentws_host_callbacks>,
        instance: UnsafeMutableRawPointer
    ) {
        self.entry = entry
        self.host = host
        self.callbacks = callbacks
        self.instance = instance
    }

    deinit { destroy() }

    /// Creates an instance from `configuration`.
    static func create(entry: agentws_plugin_entry, configuration: JSONValue) -> Result<
        PluginDriver, CreateRefused
    > {
        create(entry: entry, configurationBytes: JSONWriter.compact(configuration))
    }

    /// Creates an instance from raw configuration bytes.
    static func create(entry: agentws_plugin_entry, configurationBytes: [UInt8]) -> Result<
        PluginDriver, CreateRefused
    > {
        let host = HostRecorder()
        let callbacks = host.makeCallbacks()
        var instance: UnsafeMutableRawPointer?
        var errorBuffer: UnsafeMutablePointer<CChar>?
        var errorLength = 0
        let status = configurationBytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                entry.create?(
                    characters.baseAddress, characters.count, callbacks, &instance, &errorBuffer, &errorLength
                )
            }
        }
        if status == 0, let instance {
            return .success(PluginDriver(entry: entry, host: host, callbacks: callbacks, instance: instance))
        }
        callbacks.deallocate()
        var json = JSONValue.null
        if let errorBuffer {
            json =
                (try? JSONParser.parse(bytes: readBytes(errorBuffer, errorLength)))
                ?? .string("<unparsable error>")
            entry.free_buffer?(errorBuffer, errorLength)
        }
        return .failure(CreateRefused(status: status ?? -1, json: json))
    }

    /// Calls `method` with `params` and waits for its completion.
    func call(_ method: String, _ params: JSONValue = [:]) async -> Reply {
        await call(raw: JSONWriter.compact(["method": .string(method), "params": params]))
    }

    /// Sends `bytes` as the request and waits for the completion.
    func call(raw bytes: [UInt8]) async -> Reply {
        let box = CompletionBox()
        boxes.withLock { $0.append(box) }
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                entry.call?(
                    instance, characters.baseAddress, characters.count, CompletionBox.completion,
                    Unmanaged.passUnretained(box).toOpaque())
            }
        }
        return await box.firstReply()
    }

    /// How many times each call so far was completed, in call order.
    var completionCounts: [Int] { boxes.withLock { $0.map(\.count) } }

    /// Destroys the instance (once); no callback may arrive afterwards.
    func destroy() {
        let first = destroyed.withLock { destroyed in
            defer { destroyed = true }
            return !destroyed
        }
        guard first else { return }
        entry.destroy?(instance)
        callbacks.deallocate()
    }
}
