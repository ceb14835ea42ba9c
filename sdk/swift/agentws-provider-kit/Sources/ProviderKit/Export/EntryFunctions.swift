import AgentwsJSON
import AgentwsSystem
import CAgentwsProvider

// The four functions of the entry table. They are plain C functions: nothing but JSON bytes and
// opaque pointers cross the boundary, and no Swift error or type escapes them.

func createInstance(
    _ configJSON: UnsafePointer<CChar>?,
    _ configLength: Int,
    _ host: UnsafePointer<agentws_host_callbacks>?,
    _ instanceOut: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ errorLengthOut: UnsafeMutablePointer<Int>?
) -> Int32 {
    errorOut?.pointee = nil
    errorLengthOut?.pointee = 0
    guard let instanceOut else {
        return refuseCreate(
            PluginError(code: .invalidRequest, message: "create was given no instance_out"), errorOut,
            errorLengthOut)
    }
    instanceOut.pointee = nil
    do throws(PluginError) {
        guard let pluginType = ExportedTables.servedType else {
            throw PluginError(
                code: .invalidRequest, message: "create was called before agentws_provider_entry")
        }
        guard let bytes = copyWireBytes(configJSON, configLength) else {
            throw PluginError(code: .invalidRequest, message: "create was given no configuration")
        }
        let connection = try HostConnection(callbacks: host)
        let instance = try PluginInstance.create(pluginType, configuration: bytes, connection: connection)
        instanceOut.pointee = Unmanaged.passRetained(instance).toOpaque()
        return 0
    } catch {
        return refuseCreate(error, errorOut, errorLengthOut)
    }
}

/// Hands `error` to the host in a buffer it releases with `free_buffer`, and returns non-zero.
private func refuseCreate(
    _ error: PluginError,
    _ errorOut: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ errorLengthOut: UnsafeMutablePointer<Int>?
) -> Int32 {
    guard let errorOut, let errorLengthOut else { return 1 }
    let bytes = JSONWriter.compact(error.json)
    guard let buffer = malloc(bytes.count + 1)?.assumingMemoryBound(to: CChar.self) else { return 1 }
    for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
    buffer[bytes.count] = 0
    errorOut.pointee = buffer
    errorLengthOut.pointee = bytes.count
    return 1
}

func callMethod(
    _ instance: UnsafeMutableRawPointer?,
    _ requestJSON: UnsafePointer<CChar>?,
    _ requestLength: Int,
    _ completion: agentws_completion_fn?,
    _ callContext: UnsafeMutableRawPointer?
) {
    // Without a completion there is no way to answer, and nothing to answer to.
    guard let completion else { return }
    let reply = Completion(function: completion, context: callContext)
    guard let instance else {
        reply.answer(.failure(PluginError(code: .invalidRequest, message: "call was given no instance")))
        return
    }
    guard let bytes = copyWireBytes(requestJSON, requestLength) else {
        reply.answer(.failure(PluginError(code: .invalidRequest, message: "call was given no request")))
        return
    }
    let call: MethodCall
    do {
        call = try MethodCall(parsing: bytes)
    } catch {
        reply.answer(.failure(error))
        return
    }
    let plugin = Unmanaged<PluginInstance>.fromOpaque(instance).takeUnretainedValue().plugin
    Task {
        reply.answer(await call.run(on: plugin))
    }
}

func destroyInstance(_ instance: UnsafeMutableRawPointer?) {
    guard let instance else { return }
    let created = Unmanaged<PluginInstance>.fromOpaque(instance).takeRetainedValue()
    created.connection.close()
    let plugin = created.plugin
    Task { await plugin.shutdown() }
}

func freeBuffer(_ buffer: UnsafeMutablePointer<CChar>?, _ length: Int) {
    free(buffer)
}
