import AgentwsCore
import AgentwsJSON
import AgentwsSystem
import AgentwsTestSupport

/// An in-memory provider for the session tests: conversations live in a shared `Backend`, so a new
/// session can resume one by cursor, and a test can make resumes fail, turns hang or stops fail.
final class MemoryBackend: Sendable {
    struct State {
        var conversations: [String: Int] = [:]
        var nextConversation = 1
        var starts: [SessionStartRequest] = []
        var stops = 0
        var failStopFor: Set<String> = []
        var busy = false
        var hold: [CheckedContinuation<Void, Never>] = []
        var holdTurns = false
        /// Transcripts "written" by export, by destination path: the conversation's turn count.
        var transcripts: [String: Int] = [:]
        var forks = 0
        var imports = 0
        /// Imports answer a new conversation id even when the exported one is free.
        var importUnderNewID = false
        /// Imports with `replace` that overwrote a conversation.
        var replaces = 0
        /// Appended to every export written to `files`, to make transcripts large.
        var exportPadding = ""
    }

    let state = Locked(State())

    func turns(of conversation: String) -> Int? { state.withLock { $0.conversations[conversation] } }
    func forget(_ conversation: String) {
        _ = state.withLock { $0.conversations.removeValue(forKey: conversation) }
    }
    var starts: [SessionStartRequest] { state.withLock { $0.starts } }
    var stops: Int { state.withLock { $0.stops } }
    func setBusy(_ busy: Bool) { state.withLock { $0.busy = busy } }
    func failStop(forThread thread: String) { _ = state.withLock { $0.failStopFor.insert(thread) } }
    func holdTurns(_ hold: Bool) { state.withLock { $0.holdTurns = hold } }
    func releaseHeldTurns() {
        let held = state.withLock { state in
            defer { state.hold = [] }
            return state.hold
        }
        for continuation in held { continuation.resume() }
    }
}

struct MemoryProvider: Provider {
    let name: String
    let backend: MemoryBackend
    var modelSwitch: ModelSwitch = .inSession
    var models: [String]? = ["m1", "m2"]
    /// What it advertises of ABI 1.1.
    var canFork = false
    var canTranscripts = false
    /// Advertises `canReplace` (with `canTranscripts`): an import with `replace` overwrites a conversation.
    var canReplace = false
    /// Answers a fork with `unsupported` although it advertises it (an agent that turns out not to).
    var forkUnsupportedReason: String?
    /// Set, exports also write bytes there (`<conversation> <turns>`), and imports read them back:
    /// what the transcript tests capture and restore.
    var files: InMemoryTranscriptStore? = nil

    func describe() async throws(ProviderError) -> ProviderCapabilities {
        ProviderCapabilities(
            modelSwitch: modelSwitch, models: models, canResume: true, canExport: canTranscripts,
            canImport: canTranscripts, canFork: canFork, canReplace: canTranscripts && canReplace,
            transcriptFormat: canTranscripts ? "memory" : nil)
    }

    private func conversation(_ cursor: JSONValue) throws(ProviderError) -> (String, Int) {
        guard let id = cursor["conversation"]?.stringValue,
            let turns = backend.state.withLock({ $0.conversations[id] })
        else { throw ProviderError(.notFound, "no conversation \(cursor)") }
        return (id, turns)
    }

    /// A new conversation with `turns` turns behind it.
    private func place(turns: Int) -> JSONValue {
        backend.state.withLock { state in
            let id = "conv-\(state.nextConversation)"
            state.nextConversation += 1
            state.conversations[id] = turns
            return ["conversation": .string(id)]
        }
    }

    func fork(_ request: ForkRequest) async throws(ProviderError) -> JSONValue {
        guard canFork else { throw ProviderError(.unsupported, "\(name) cannot fork") }
        if let forkUnsupportedReason { throw ProviderError(.unsupported, forkUnsupportedReason) }
        let (_, turns) = try conversation(request.cursor)
        backend.state.withLock { $0.forks += 1 }
        return place(turns: turns)
    }

    func exportTranscript(_ request: TranscriptExportRequest) async throws(ProviderError)
        -> TranscriptExportResult
    {
        guard canTranscripts else { throw ProviderError(.unsupported, "\(name) cannot export") }
        let (_, turns) = try conversation(request.cursor)
        let (id, _) = try conversation(request.cursor)
        let padding = backend.state.withLock { state in
            state.transcripts[request.destination] = turns
            return state.exportPadding
        }
        files?.putScratch(request.destination, Array("\(id) \(turns)\(padding)".utf8))
        return TranscriptExportResult(format: "memory", cursor: request.cursor)
    }

    func importTranscript(_ request: TranscriptImportRequest) async throws(ProviderError) -> JSONValue {
        if let files, let bytes = try? files.readScratch(request.source) {
            return try restore(bytes, cursor: request.cursor, replace: request.replace)
        }
        guard let turns = backend.state.withLock({ $0.transcripts[request.source] }) else {
            throw ProviderError(.invalidRequest, "no transcript at \(request.source)")
        }
        if let cursor = request.cursor { return cursor }
        return place(turns: turns)
    }

    /// Places a conversation from `<conversation> <turns>` bytes: under its own id when that is free
    /// (and not told otherwise), else under a new one.
    /// With `replace` (advertised or not: the host must not send it unadvertised, and the tests check
    /// it does not), overwrites the existing conversation of that id.
    private func restore(_ bytes: [UInt8], cursor: JSONValue?, replace: Bool) throws(ProviderError)
        -> JSONValue
    {
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let turns = Int(fields[1].prefix { $0.isNumber }) else {
            throw ProviderError(.invalidRequest, "damaged transcript")
        }
        let id = String(fields[0])
        if let cursor, cursor["conversation"]?.stringValue != id {
            throw ProviderError(.invalidRequest, "the transcript is conversation \(id), not \(cursor)")
        }
        if replace {
            guard canReplace else { throw ProviderError(.unsupported, "\(name) cannot replace") }
            return try backend.state.withLock { (state) throws(ProviderError) -> JSONValue in
                guard state.conversations[id] != nil else {
                    throw ProviderError(.notFound, "no conversation \(id)")
                }
                state.replaces += 1
                state.conversations[id] = turns
                return ["conversation": .string(id)]
            }
        }
        return backend.state.withLock { state -> JSONValue in
            state.imports += 1
            let target =
                state.conversations[id] == nil && !state.importUnderNewID
                ? id : "conv-\(state.nextConversation)"
            if target != id { state.nextConversation += 1 }
            state.conversations[target] = turns
            return ["conversation": .string(target)]
        }
    }

    func start(_ request: SessionStartRequest, events: @escaping ProviderEventHandler)
        async throws(ProviderError) -> any ProviderSession
    {
        let conversation: String = try backend.state.withLock { (state) throws(ProviderError) -> String in
            state.starts.append(request)
            if let cursor = request.resumeCursor {
                guard let id = cursor["conversation"]?.stringValue, state.conversations[id] != nil else {
                    throw ProviderError(.resumeFailed, "no conversation \(cursor)")
                }
                return id
            }
            let id = "conv-\(state.nextConversation)"
            state.nextConversation += 1
            state.conversations[id] = 0
            return id
        }
        return MemorySession(
            thread: request.thread.rawValue, conversation: conversation, backend: backend, events: events)
    }
}

final class MemorySession: ProviderSession {
    let thread: String
    let conversation: String
    let backend: MemoryBackend
    let events: ProviderEventHandler
    let interrupted = Locked(false)

    init(thread: String, conversation: String, backend: MemoryBackend, events: @escaping ProviderEventHandler)
    {
        self.thread = thread
        self.conversation = conversation
        self.backend = backend
        self.events = events
    }

    var cursor: JSONValue? { ["conversation": .string(conversation)] }

    func send(_ turn: TurnRequest) async throws(ProviderError) -> TurnOutcome {
        let hold = backend.state.withLock { $0.holdTurns }
        if hold {
            await withCheckedContinuation { continuation in
                backend.state.withLock { $0.hold.append(continuation) }
            }
        }
        if interrupted.withLock({ $0 }) { return TurnOutcome(stopReason: .cancelled) }
        if turn.text == "fail" { throw ProviderError(.providerFailed, "the model fell over") }
        let number = backend.state.withLock { state -> Int in
            state.conversations[conversation, default: 0] += 1
            return state.conversations[conversation] ?? 0
        }
        events(.text("turn \(number) (\(turn.model ?? "session model")): "))
        events(.text(turn.text))
        // "metered": the turn reports its tokens and cost, as real providers do.
        let usage =
            turn.text == "metered" ? TurnUsage(inputTokens: 12, outputTokens: 3, totalTokens: 15) : nil
        return TurnOutcome(stopReason: .endTurn, usage: usage)
    }

    func interrupt() async throws(ProviderError) {
        interrupted.withLock { $0 = true }
        backend.releaseHeldTurns()
    }

    func isBusy() async throws(ProviderError) -> Bool { backend.state.withLock { $0.busy } }

    func stop() async throws(ProviderError) {
        let fail = backend.state.withLock { state -> Bool in
            state.stops += 1
            return state.failStopFor.contains(thread)
        }
        if fail { throw ProviderError(.providerFailed, "stop refused") }
    }
}

struct MemoryResolver: ProviderResolver {
    let providers: [String: any Provider]
    func provider(named name: String) async throws -> any Provider {
        guard let provider = providers[name] else { throw AgentwsError(.notFound, "no provider \(name)") }
        return provider
    }
}

/// Collects a send's events.
final class EventLog: Sendable {
    private let events = Locked<[SessionEvent]>([])
    var all: [SessionEvent] { events.withLock { $0 } }
    var text: String {
        all.compactMap { if case .text(let text) = $0 { return text } else { return nil } }.joined()
    }
    var warnings: [String] {
        all.compactMap { if case .warning(let text) = $0 { return text } else { return nil } }
    }
    var handler: @Sendable (SessionEvent) -> Void { { [self] event in events.withLock { $0.append(event) } } }
}
