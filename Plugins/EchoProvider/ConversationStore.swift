import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// Where an echo instance keeps its conversations: `<stateDirectory>/conversations/<id>.json`,
/// each written whole (AtomicFile: temporary file, fsync, rename) so a crash never leaves half a file.
struct ConversationStore: Sendable {
    let directory: String

    init(stateDirectory: String) {
        directory = stateDirectory + "/conversations"
    }

    func fileName(of id: String) -> String { "\(id).json" }

    func path(of id: String) -> String { "\(directory)/\(fileName(of: id))" }

    /// Starts and stores a new conversation under a fresh id.
    func create(thread: String, model: String) throws(PluginError) -> EchoConversation {
        // A random id collides only by astronomical bad luck; `link` refuses to overwrite, so even
        // then no conversation is lost: another id is tried.
        try placeCopy(
            of: EchoConversation(id: "", thread: thread, model: model, turns: 0, starts: 1, transcript: []))
    }

    /// Stores `conversation` under its own id unless that id is taken; returns whether it did. Never
    /// replaces a stored conversation.
    func place(_ conversation: EchoConversation) throws(PluginError) -> Bool {
        try failing { () throws(SystemError) in try FileIO.makeDirectories(directory, mode: 0o700) }
        return try failing { () throws(SystemError) in
            try AtomicFile.createNew(
                JSONWriter.canonical(conversation.json), directory: directory,
                fileName: fileName(of: conversation.id))
        }
    }

    /// Stores a copy of `conversation` under a fresh id (a fork, an import whose id is taken).
    func placeCopy(of conversation: EchoConversation) throws(PluginError) -> EchoConversation {
        while true {
            var copy = conversation
            copy.id = EchoConversation.makeID()
            if try place(copy) { return copy }
        }
    }

    /// The stored conversation `id`, or nil when there is none.
    func load(_ id: String) throws(PluginError) -> EchoConversation? {
        let path = path(of: id)
        guard let bytes = try read(path) else { return nil }
        switch EchoConversation.parse(bytes) {
        case .success(let conversation): return conversation
        case .failure(let damage):
            throw PluginError(code: .providerFailed, message: "echo: \(path) is damaged: \(damage.problem)")
        }
    }

    /// The bytes of any file, or nil when it does not exist.
    func read(_ path: String) throws(PluginError) -> [UInt8]? {
        try failing { () throws(SystemError) in try FileIO.readIfPresent(path) }
    }

    /// Writes `conversation` whole to `path`, outside the store (an export). Whole but not durable:
    /// the path is the host's scratch file, which it reads at once and copies durably itself
    /// (docs/plugin-abi.md, export).
    func write(_ conversation: EchoConversation, to path: String) throws(PluginError) {
        try failing { () throws(SystemError) in
            try AtomicFile.replace(JSONWriter.canonical(conversation.json), path: path, durable: false)
        }
    }

    func save(_ conversation: EchoConversation) throws(PluginError) {
        try failing { () throws(SystemError) in
            try AtomicFile.replace(
                JSONWriter.canonical(conversation.json), directory: directory,
                fileName: fileName(of: conversation.id))
        }
    }

    func delete(_ id: String) throws(PluginError) {
        try failing { () throws(SystemError) in try FileIO.removeIfPresent(path(of: id)) }
    }

    private func failing<Value>(_ body: () throws(SystemError) -> Value) throws(PluginError) -> Value {
        do {
            return try body()
        } catch {
            throw PluginError(code: .providerFailed, message: "echo: \(error)")
        }
    }
}
