import AgentwsJSON

/// Turns an ACP prompt (content blocks) into the text a provider receives. Providers take text, so
/// agentws accepts text, resource links (their URI) and embedded text resources (their text), and
/// refuses images, audio and binary resources rather than dropping them silently.
enum PromptText {
    static func text(of blocks: [JSONValue], method: String) throws(JSONRPCError) -> String {
        var pieces: [String] = []
        for (index, block) in blocks.enumerated() {
            let place = "prompt[\(index)]"
            guard let type = block["type"]?.stringValue else {
                throw .invalidParams(method, "\(place) has no 'type'")
            }
            switch type {
            case "text":
                guard let text = block["text"]?.stringValue else {
                    throw .invalidParams(method, "\(place) is a text block without a string 'text'")
                }
                pieces.append(text)
            case "resource_link":
                guard let uri = block["uri"]?.stringValue else {
                    throw .invalidParams(method, "\(place) is a resource link without a string 'uri'")
                }
                pieces.append(uri)
            case "resource":
                guard let text = block["resource"]?["text"]?.stringValue else {
                    throw .invalidParams(
                        method, "\(place) is a binary resource; agentws passes text only to its providers")
                }
                pieces.append(text)
            default:
                throw .invalidParams(
                    method, "\(place) is '\(type)' content; agentws passes text only to its providers")
            }
        }
        let text = pieces.joined(separator: "\n")
        if text.isEmpty { throw .invalidParams(method, "the prompt has no text") }
        return text
    }
}
