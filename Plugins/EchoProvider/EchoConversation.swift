import AgentwsJSON
import ProviderKit

/// One echo conversation as stored in `<stateDirectory>/conversations/<id>.json`.
struct EchoConversation: Sendable, Equatable {
    /// A message of the transcript.
    struct Entry: Sendable, Equatable {
        /// `user` or `echo`.
        var role: String
        var text: String
    }

    /// How many messages the transcript keeps: enough to see what happened, never a growing file.
    static let transcriptLimit = 20

    var id: String
    /// The thread the conversation was started for.
    var thread: String
    var model: String
    /// Messages received so far; the next one is turn `turns + 1`.
    var turns: Int64
    /// How many sessions have been started on it, the first included.
    var starts: Int64
    /// The last messages, oldest first.
    var transcript: [Entry]

    /// The resume cursor of this conversation.
    var cursor: JSONValue { ["conversation": .string(id)] }

    mutating func record(_ role: String, _ text: String) {
        transcript.append(Entry(role: role, text: text))
        if transcript.count > Self.transcriptLimit {
            transcript.removeFirst(transcript.count - Self.transcriptLimit)
        }
    }

    var json: JSONValue {
        [
            "conversation": .string(id), "thread": .string(thread), "model": .string(model),
            "turns": .integer(turns), "starts": .integer(starts),
            "transcript": .array(transcript.map { ["role": .string($0.role), "text": .string($0.text)] }),
        ]
    }

    /// Reads a conversation file; a damaged one names what is wrong with it.
    static func parse(_ bytes: [UInt8]) -> Result<EchoConversation, EchoConversationDamage> {
        do {
            let conversation = try EchoConversation(json: JSONParser.parse(bytes: bytes))
            guard isValidID(conversation.id) else {
                return .failure(.init("\"conversation\" is not an echo conversation id"))
            }
            return .success(conversation)
        } catch let damage as EchoConversationDamage {
            return .failure(damage)
        } catch {
            return .failure(.init("\(error)"))
        }
    }

    /// Reads a stored conversation; `problem` names what is wrong with a damaged one.
    init(json: JSONValue) throws(EchoConversationDamage) {
        guard let id = json["conversation"]?.stringValue else { throw .init("no \"conversation\" string") }
        guard let thread = json["thread"]?.stringValue else { throw .init("no \"thread\" string") }
        guard let model = json["model"]?.stringValue else { throw .init("no \"model\" string") }
        guard let turns = json["turns"]?.integerValue, turns >= 0 else { throw .init("no \"turns\" count") }
        guard let starts = json["starts"]?.integerValue, starts >= 0 else {
            throw .init("no \"starts\" count")
        }
        guard let entries = json["transcript"]?.arrayValue else { throw .init("no \"transcript\" array") }
        var transcript: [Entry] = []
        for entry in entries {
            guard let role = entry["role"]?.stringValue, let text = entry["text"]?.stringValue else {
                throw .init("a transcript entry without \"role\" and \"text\" strings")
            }
            transcript.append(Entry(role: role, text: text))
        }
        self.init(id: id, thread: thread, model: model, turns: turns, starts: starts, transcript: transcript)
    }

    init(id: String, thread: String, model: String, turns: Int64, starts: Int64, transcript: [Entry]) {
        self.id = id
        self.thread = thread
        self.model = model
        self.turns = turns
        self.starts = starts
        self.transcript = transcript
    }

    /// The conversation id in `cursor`, refusing anything that is not an echo cursor.
    static func id(fromCursor cursor: JSONValue) throws(PluginError) -> String {
        guard case .object(let members) = cursor, members.count == 1,
            let id = members["conversation"]?.stringValue, isValidID(id)
        else {
            throw PluginError(
                code: .invalidRequest,
                message:
                    "echo: the resume cursor \(cursor) is not an echo cursor ({\"conversation\": \"<id>\"})"
            )
        }
        return id
    }

    /// Ids become file names: `[a-z0-9][a-z0-9_-]*`, at most 64 bytes, so a cursor cannot reach
    /// outside the conversations directory.
    static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, bytes.count <= 64 else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return isAlphanumeric(first)
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// A fresh random id: 16 hex digits.
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = String(generator.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// What is wrong with a stored conversation that does not read back.
struct EchoConversationDamage: Error {
    let problem: String
    init(_ problem: String) { self.problem = problem }
}
