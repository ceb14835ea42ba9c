import AgentwsJSON
import NIOCore

/// One JSON value per line, as the Agent Client Protocol frames messages.
enum JSONLines {
    static func encode(_ value: JSONValue) -> ByteBuffer {
        var bytes = JSONWriter.compact(value)
        bytes.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: bytes)
    }
}
