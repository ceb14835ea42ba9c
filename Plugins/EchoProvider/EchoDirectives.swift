import ProviderKit

/// What a message asks echo to do besides echoing: `[echo:NAME]` or `[echo:NAME ARGUMENT]` anywhere
/// in the text (docs/providers/echo.md).
struct EchoDirectives: Sendable, Equatable {
    /// `[echo:sleep N]`: the turn takes N milliseconds (interruptible).
    var sleepMilliseconds: Int64?
    /// `[echo:fail]`: the turn fails with `provider-failed`.
    var fail = false
    /// `[echo:forget]`: after the reply the conversation is deleted, so resuming it fails.
    var forget = false
    /// `[echo:crash]`: the process is killed halfway through the reply.
    var crash = false
    /// `[echo:busy N]`: after the reply, background work is reported for N milliseconds.
    var busyMilliseconds: Int64?
    /// `[echo:tool]`: the turn reports a tool call.
    var tool = false
    /// `[echo:fail-stop]`: the next `stop` of this session fails (it still ends the session), so a
    /// host's handling of a failing stop can be exercised.
    var failStop = false
    /// The message with the directives taken out, which is what gets echoed.
    var message = ""

    private static let opening = Array("[echo:".utf8)
    private static let names = ["busy N", "crash", "fail", "fail-stop", "forget", "sleep N", "tool"]

    /// Parses `text`; a malformed or unknown directive is an `invalid-request` naming it.
    init(parsing text: String) throws(PluginError) {
        let bytes = Array(text.utf8)
        var pieces: [String] = []
        var pieceStart = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index...].starts(with: Self.opening) else {
                index += 1
                continue
            }
            guard let end = bytes[index...].firstIndex(of: UInt8(ascii: "]")) else {
                let rest = String(decoding: bytes[index...], as: UTF8.self)
                throw Self.refuse("the directive \"\(rest)\" has no closing ']'")
            }
            pieces.append(String(decoding: bytes[pieceStart..<index], as: UTF8.self))
            let body = String(decoding: bytes[(index + Self.opening.count)..<end], as: UTF8.self)
            try apply(body, whole: String(decoding: bytes[index...end], as: UTF8.self))
            index = end + 1
            pieceStart = index
        }
        pieces.append(String(decoding: bytes[pieceStart...], as: UTF8.self))
        message = pieces.map(Self.trimmed).filter { !$0.isEmpty }.joined(separator: " ")
    }

    private mutating func apply(_ body: String, whole: String) throws(PluginError) {
        let words = body.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first else { throw Self.refuse("\(whole) names no directive") }
        let arguments = Array(words.dropFirst())
        switch name {
        case "sleep": sleepMilliseconds = try Self.milliseconds(arguments, whole)
        case "busy": busyMilliseconds = try Self.milliseconds(arguments, whole)
        case "fail", "forget", "crash", "tool", "fail-stop":
            guard arguments.isEmpty else { throw Self.refuse("\(whole): \(name) takes no argument") }
            switch name {
            case "fail": fail = true
            case "fail-stop": failStop = true
            case "forget": forget = true
            case "crash": crash = true
            default: tool = true
            }
        default:
            let known = Self.names.map { "[echo:\($0)]" }.joined(separator: ", ")
            throw Self.refuse("unknown directive \(whole); the directives are \(known)")
        }
    }

    private static func milliseconds(_ arguments: [String], _ whole: String) throws(PluginError) -> Int64 {
        guard arguments.count == 1, let value = Int64(arguments[0]), value >= 0 else {
            throw refuse("\(whole) needs one whole number of milliseconds, 0 or more")
        }
        return value
    }

    private static func refuse(_ problem: String) -> PluginError {
        PluginError(code: .invalidRequest, message: "echo: \(problem)")
    }

    private static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }
}
