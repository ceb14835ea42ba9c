/// Claude session ids: UUIDs, which agentws chooses for new conversations (`--session-id`).
enum SessionID {
    /// A random (version 4) UUID in lower case.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
        var id = ""
        for (index, character) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { id.append("-") }
            id.append(character)
        }
        return id
    }

    /// Whether `id` has the form of a UUID (8-4-4-4-12 hexadecimal digits); Claude takes only those,
    /// and the id becomes a file name, so nothing else is passed on.
    static func isValid(_ id: String) -> Bool {
        let groups = id.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
