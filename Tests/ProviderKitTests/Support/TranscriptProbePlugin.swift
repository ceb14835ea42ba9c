import AgentwsJSON
import ProviderKit

/// A probe that has ABI 1.1's optional methods: each answers with what the kit parsed, so a test
/// can see the parameters, or fails as its cursor says. A test process can export only one plugin
/// type through the C tables (ProbePlugin), so this one is driven through the kit's dispatch
/// directly (`Dispatcher`).
actor TranscriptProbePlugin: TranscriptExporting, TranscriptImporting, ConversationForking {
    static let name = "transcript-probe"
    static let version = "0.0.1-test"
    static let transcriptFormat = "probe-text"

    init(configuration: PluginConfiguration, host: PluginHost) throws {}

    func describe() async throws -> PluginCapabilities {
        PluginCapabilities(modelSwitch: .inSession, models: nil, canResume: true)
    }

    func start(_ request: StartRequest) async throws -> StartResult {
        StartResult(session: "s", cursor: nil, resumed: false)
    }

    func send(_ request: PluginTurnRequest) async throws -> PluginTurnResult {
        PluginTurnResult(stopReason: .endTurn)
    }
    func interrupt(session: String) async throws {}
    func status(session: String) async throws -> SessionStatus { SessionStatus(busy: false) }
    func stop(session: String) async throws {}

    func exportTranscript(_ request: ExportRequest) async throws -> ExportResult {
        if request.cursor == "gone" { throw PluginError(code: .notFound, message: "no conversation gone") }
        return ExportResult(format: "\(request.thread)|\(request.cwd)|\(request.path)")
    }

    func importTranscript(_ request: ImportRequest) async throws -> ImportResult {
        ImportResult(cursor: [
            "thread": .string(request.thread), "cwd": .string(request.cwd), "path": .string(request.path),
            "format": .string(request.format), "cursor": request.cursor ?? .null,
        ])
    }

    func fork(_ request: ForkConversationRequest) async throws -> PluginForkResult {
        PluginForkResult(cursor: [
            "thread": .string(request.thread), "cursor": request.cursor, "cwd": .string(request.cwd),
            "model": .optional(request.model), "runtimeMode": .optional(request.runtimeMode),
        ])
    }
}
