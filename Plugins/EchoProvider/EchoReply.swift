/// The reply echo gives: `<model> turn <N> (start <S>): <message>`.
enum EchoReply {
    /// The whole reply; without a message the colon is left off too.
    static func text(model: String, turn: Int64, start: Int64, message: String) -> String {
        let head = "\(model) turn \(turn) (start \(start))"
        return message.isEmpty ? head : "\(head): \(message)"
    }

    /// The reply cut after every space, so that it streams word by word; the pieces concatenate
    /// to the reply.
    static func chunks(_ reply: String) -> [String] {
        var chunks: [String] = []
        var current = ""
        for character in reply {
            current.append(character)
            if character == " " {
                chunks.append(current)
                current = ""
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}
