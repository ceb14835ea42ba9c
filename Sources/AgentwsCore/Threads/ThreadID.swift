/// A validated thread id (SPEC §3.1): `[a-z0-9][a-z0-9._-]{0,127}`, never `.`/`..`, no `..`.
///
/// Only a `ThreadID` is ever used to build a path, so an unvalidated id cannot reach the file system.
public struct ThreadID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public static let maximumLength = 128

    /// Validates `text`; throws `InvalidThreadID` with the reason when it is not a valid id.
    public init(_ text: String) throws(InvalidThreadID) {
        if let reason = ThreadID.problem(with: text) { throw InvalidThreadID(text: text, reason: reason) }
        self.rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: ThreadID, rhs: ThreadID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Why `text` is not a valid thread id, or nil when it is.
    public static func problem(with text: String) -> String? {
        // One pass over the UTF-8 bytes, without copying them: listing a workspace validates every
        // file name, so this runs 100,000 times for 100,000 threads.
        let utf8 = text.utf8
        if utf8.isEmpty { return "it is empty" }
        if utf8.count > maximumLength {
            return "it is \(utf8.count) bytes long; the limit is \(maximumLength)"
        }
        if text == "." || text == ".." { return "'.' and '..' are reserved" }
        var previous: UInt8 = 0
        var hasDoubleDot = false
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "."):
                if previous == UInt8(ascii: ".") { hasDoubleDot = true }
            case UInt8(ascii: "_"), UInt8(ascii: "-"): break
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                return
                    "it has upper-case letters (ids are lower case so that case-insensitive file systems cannot collide)"
            case UInt8(ascii: "/"), UInt8(ascii: "\\"): return "it contains a path separator"
            case 0: return "it contains a NUL byte"
            case 0x80...: return "it contains non-ASCII characters"
            default: return "it contains the character \(describe(byte))"
            }
            previous = byte
        }
        let first = utf8[utf8.startIndex]
        let firstIsAlphanumeric =
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        if !firstIsAlphanumeric { return "it must start with a lower-case letter or a digit" }
        if hasDoubleDot { return "it contains '..'" }
        return nil
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte == 0x20 { return "space" }
        if byte < 0x20 || byte == 0x7F { return "0x\(String(byte, radix: 16))" }
        return "'\(Character(Unicode.Scalar(byte)))'"
    }
}

/// A thread id that was refused, with the reason.
public struct InvalidThreadID: AgentwsFailure, Equatable {
    public let text: String
    public let reason: String

    public var category: ErrorCategory { .usage }

    public var description: String {
        let shown = text.unicodeScalars.map {
            $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F
                ? String($0) : "\\u{\(String($0.value, radix: 16))}"
        }.joined()
        return "invalid thread id \"\(shown)\": \(reason). Thread ids match [a-z0-9][a-z0-9._-]{0,127}."
    }
}
