/// Calls `body` with `bytes` as a C pointer and length.
///
/// A NUL is added after the data (not counted in the length): the ABI does not require it, but it
/// makes the pointer never NULL, even for empty text, and lets a C host print the buffer as is.
func withWireBytes<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>, Int) -> Result) -> Result {
    let terminated = bytes + [0]
    return terminated.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { characters in
            // A non-empty array always has storage.
            guard let start = characters.baseAddress else {
                preconditionFailure("non-empty array without storage")
            }
            return body(start, bytes.count)
        }
    }
}

/// Copies `length` bytes the host handed over; they are only valid during the call.
func copyWireBytes(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> [UInt8]? {
    guard length >= 0 else { return nil }
    guard let pointer else { return length == 0 ? [] : nil }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
        Array(UnsafeBufferPointer(start: $0, count: length))
    }
}
