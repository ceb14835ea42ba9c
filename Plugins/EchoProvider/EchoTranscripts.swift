import AgentwsJSON
import ProviderKit

// ABI 1.1 for echo (docs/providers/echo.md, "Transcripts and forks"): the transcript is the
// conversation file itself, format `echo-json`.
extension EchoPlugin: TranscriptExporting, TranscriptImporting, TranscriptReplacing, ConversationForking {
    package static let transcriptFormat = "echo-json"

    package func exportTranscript(_ request: ExportRequest) async throws -> ExportResult {
        let conversation = try stored(request.cursor)
        try store.write(conversation, to: request.path)
        host.log(.info, "echo: exported conversation \(conversation.id) to \(request.path)")
        return ExportResult(format: Self.transcriptFormat)
    }

    /// Places the conversation under its own id when that is free (or already holds exactly this
    /// conversation), else under a fresh id; never replaces a stored conversation — except with
    /// `replace`, which overwrites the stored conversation of that id (atomically) and answers its cursor.
    package func importTranscript(_ request: ImportRequest) async throws -> ImportResult {
        guard request.format == Self.transcriptFormat else {
            throw PluginError(
                code: .invalidRequest,
                message: "echo: cannot import a transcript in format \"\(request.format)\"; echo reads "
                    + "\(Self.transcriptFormat) only")
        }
        guard let bytes = try store.read(request.path) else {
            throw PluginError(code: .invalidRequest, message: "echo: no transcript at \(request.path)")
        }
        var conversation: EchoConversation
        switch EchoConversation.parse(bytes) {
        case .success(let parsed): conversation = parsed
        case .failure(let damage):
            throw PluginError(
                code: .invalidRequest,
                message: "echo: \(request.path) is not an echo-json transcript: \(damage.problem)")
        }
        if let cursor = request.cursor {
            let expected = try EchoConversation.id(fromCursor: cursor)
            guard expected == conversation.id else {
                throw PluginError(
                    code: .invalidRequest,
                    message: "echo: \(request.path) holds conversation \(conversation.id), not \(expected)")
            }
        }
        conversation.thread = request.thread
        if request.replace {
            guard request.cursor != nil else {
                throw PluginError(
                    code: .invalidRequest, message: "echo: a replace needs the cursor it replaces")
            }
            guard try store.load(conversation.id) != nil else {
                throw PluginError(
                    code: .notFound,
                    message:
                        "echo: conversation \(conversation.id) is not here (no \(store.path(of: conversation.id)))"
                )
            }
            try store.save(conversation)
            host.log(.info, "echo: replaced conversation \(conversation.id) for thread \(request.thread)")
            return ImportResult(cursor: conversation.cursor)
        }
        if try store.place(conversation) || store.load(conversation.id) == conversation {
            host.log(.info, "echo: imported conversation \(conversation.id) for thread \(request.thread)")
            return ImportResult(cursor: conversation.cursor)
        }
        let copy = try store.placeCopy(of: conversation)
        host.log(
            .info,
            "echo: imported conversation \(conversation.id) as \(copy.id) for thread \(request.thread) "
                + "(\(conversation.id) is taken here)")
        return ImportResult(cursor: copy.cursor)
    }

    /// A copy under a fresh id for the new thread; its turn count goes on from the source's.
    package func fork(_ request: ForkConversationRequest) async throws -> PluginForkResult {
        guard options.fork else {
            throw PluginError(
                code: .unsupported,
                message: "echo: provider \"\(instance)\" does not fork conversations (option fork: false)")
        }
        var conversation = try stored(request.cursor)
        if let model = request.model {
            try switchModel(of: &conversation, to: try EchoModels.validate(model))
        }
        let source = conversation.id
        conversation.thread = request.thread
        let copy = try store.placeCopy(of: conversation)
        host.log(.info, "echo: forked conversation \(source) into \(copy.id) for thread \(request.thread)")
        return PluginForkResult(cursor: copy.cursor)
    }

    /// The stored conversation behind `cursor`; `not-found` when it is not here.
    private func stored(_ cursor: JSONValue) throws(PluginError) -> EchoConversation {
        let id = try EchoConversation.id(fromCursor: cursor)
        guard let conversation = try store.load(id) else {
            throw PluginError(
                code: .notFound, message: "echo: conversation \(id) is not here (no \(store.path(of: id)))")
        }
        return conversation
    }
}
