import AgentwsJSON

/// Appends the index's little-endian binary fields.
struct IndexByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ value: UInt8) { bytes.append(value) }

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ value: Int64) { append(UInt64(bitPattern: value)) }

    mutating func append(_ text: String) {
        append(UInt32(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(optional text: String?) {
        guard let text else { return append(IndexByteReader.absent) }
        append(text)
    }

    /// A JSON value in a tagged binary form, so that loading it needs no JSON parsing.
    mutating func append(_ value: JSONValue) {
        switch value {
        case .null: append(IndexJSONTag.null.rawValue)
        case .bool(let flag): append(flag ? IndexJSONTag.true.rawValue : IndexJSONTag.false.rawValue)
        case .integer(let number):
            append(IndexJSONTag.integer.rawValue)
            append(number)
        case .double(let number):
            append(IndexJSONTag.double.rawValue)
            append(number.bitPattern)
        case .string(let text):
            append(IndexJSONTag.string.rawValue)
            append(text)
        case .array(let elements):
            append(IndexJSONTag.array.rawValue)
            append(UInt32(elements.count))
            for element in elements { append(element) }
        case .object(let members):
            append(IndexJSONTag.object.rawValue)
            append(UInt32(members.count))
            for (key, member) in members {
                append(key)
                append(member)
            }
        }
    }

    /// Overwrites 8 bytes at `offset` (the header's checksum, known only at the end).
    mutating func patch(_ value: UInt64, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { word in
            for (index, byte) in word.enumerated() { bytes[offset + index] = byte }
        }
    }
}

/// The tags of the binary JSON form.
enum IndexJSONTag: UInt8 {
    case null = 0, `false`, `true`, integer, double, string, array, object
    /// An absent optional value (no cursor).
    case absent = 0xFF
}

/// Why an index file was not used: it is rebuilt from the binding files instead.
struct IndexDamage: Error {}

/// Reads what `IndexByteWriter` wrote, refusing anything out of bounds or malformed.
struct IndexByteReader {
    /// The length that marks an absent optional string.
    static let absent = UInt32.max
    /// Deeper JSON than this is taken as damage: cursors are shallow, and recursion must be bounded.
    static let maximumDepth = 64

    private let buffer: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    var isAtEnd: Bool { offset == buffer.count }

    private mutating func advance(_ count: Int) throws(IndexDamage) -> Int {
        guard count >= 0, count <= buffer.count - offset else { throw IndexDamage() }
        defer { offset += count }
        return offset
    }

    mutating func byte() throws(IndexDamage) -> UInt8 { buffer[try advance(1)] }

    mutating func uint32() throws(IndexDamage) -> UInt32 {
        UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: try advance(4), as: UInt32.self))
    }

    mutating func uint64() throws(IndexDamage) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: try advance(8), as: UInt64.self))
    }

    mutating func int64() throws(IndexDamage) -> Int64 { Int64(bitPattern: try uint64()) }

    mutating func string() throws(IndexDamage) -> String {
        let count = try uint32()
        guard count != Self.absent else { throw IndexDamage() }
        return try text(count: Int(count))
    }

    mutating func optionalString() throws(IndexDamage) -> String? {
        let count = try uint32()
        return count == Self.absent ? nil : try text(count: Int(count))
    }

    private mutating func text(count: Int) throws(IndexDamage) -> String {
        let start = try advance(count)
        // The index only ever holds strings it was given as valid UTF-8 and its checksum held, so
        // decoding (which repairs rather than refuses) cannot change one; it is the faster path.
        return String(
            decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + count)]), as: UTF8.self)
    }

    /// A JSON value, or nil for the absent tag.
    mutating func optionalJSON() throws(IndexDamage) -> JSONValue? {
        let tag = try byte()
        return tag == IndexJSONTag.absent.rawValue ? nil : try json(tag: tag, depth: 0)
    }

    private mutating func json(tag: UInt8, depth: Int) throws(IndexDamage) -> JSONValue {
        guard depth < Self.maximumDepth, let kind = IndexJSONTag(rawValue: tag) else { throw IndexDamage() }
        switch kind {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .integer: return .integer(try int64())
        case .double: return .double(Double(bitPattern: try uint64()))
        case .string: return .string(try string())
        case .array:
            let count = Int(try uint32())
            // Every element takes at least one byte: a count beyond what is left is damage.
            guard count <= buffer.count - offset else { throw IndexDamage() }
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(try json(tag: try byte(), depth: depth + 1)) }
            return .array(elements)
        case .object:
            let count = Int(try uint32())
            guard count <= buffer.count - offset else { throw IndexDamage() }
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(count)
            for _ in 0..<count {
                let key = try string()
                members[key] = try json(tag: try byte(), depth: depth + 1)
            }
            return .object(members)
        case .absent: throw IndexDamage()
        }
    }
}

/// A 64-bit checksum of the index body, eight bytes at a time, so that a file torn by a crash (the
/// index is a cache and is not fsynced) is recognised and rebuilt rather than believed.
enum IndexChecksum {
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var index = 0
        while index + 8 <= bytes.count {
            hash =
                (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 32
            index += 8
        }
        while index < bytes.count {
            hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
            index += 1
        }
        return hash ^ UInt64(bytes.count)
    }
}
