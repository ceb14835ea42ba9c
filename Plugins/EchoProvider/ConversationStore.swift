import AgentwsJSON
import ProviderKit

/// Where an echo instance keeps its conversations: `<stateDirectory>/conversations/<id>.json`,
/// each written whole (temporary file + rename) so a crash never leaves half a file.
struct ConversationStore: Sendable {
    let directory: String

    init(stateDirectory: String) {
        directory = stateDirectory + "/conversations"
    }

    func path(of id: String) -> String { "\(directory)/\(id).json" }

    /// Starts and stores a new conversation under a fresh id.
    func create(thread: String, model: String) throws(PluginError) -> EchoConversation {
        try failing { () throws(FileError) in try FileSystem.makeDirectory(directory) }
        // A random id collides only by astronomical bad luck; `link` refuses to overwrite, so even
        // then no conversation is lost: another id is tried.
        while true {
            let conversation = EchoConversation(
                id: EchoConversation.makeID(), thread: thread, model: model, turns: 0, starts: 1,
                transcript: [])
            let created = try failing { () throws(FileError) in
                try FileSystem.writeNew(path(of: conversation.id), JSONWriter.canonical(conversation.json))
            }
            if created { return conversation }
        }
    }

    /// The stored conversation `id`, or nil when there is none.
    func load(_ id: String) throws(PluginError) -> EchoConversation? {
        let path = path(of: id)
        guard let bytes = try failing({ () throws(FileError) in try FileSystem.contents(of: path) }) else {
            return nil
        }
        do {
            return try EchoConversation(json: JSONParser.parse(bytes: bytes))
        } catch let error as JSONSyntaxError {
            throw PluginError(code: .providerFailed, message: "echo: \(path) is damaged: \(error)")
        } catch let error as EchoConversationDamage {
            throw PluginError(code: .providerFailed, message: "echo: \(path) is damaged: \(error.problem)")
        } catch {
            throw PluginError(code: .providerFailed, message: "echo: \(path) is damaged: \(error)")
        }
    }

    func save(_ conversation: EchoConversation) throws(PluginError) {
        try failing { () throws(FileError) in
            try FileSystem.writeReplacing(path(of: conversation.id), JSONWriter.canonical(conversation.json))
        }
    }

    func delete(_ id: String) throws(PluginError) {
        try failing { () throws(FileError) in try FileSystem.removeFile(path(of: id)) }
    }

    private func failing<Value>(_ body: () throws(FileError) -> Value) throws(PluginError) -> Value {
        do {
            return try body()
        } catch {
            throw PluginError(code: .providerFailed, message: "echo: \(error)")
        }
    }
}
