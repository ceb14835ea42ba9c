import AgentwsCore
import AgentwsJSON
import AgentwsSystem

/// Where the `MemoryProvider`s of a test keep their conversations (`conv-1`, `conv-2`, … with a
/// turn count each), so that a new session resumes one by cursor, and what a test steers and
/// watches: turns held until released, starts held at a gate, a busy provider, a stop that fails,
/// and the starts, stops, forks, imports and held turns so far.
package final class MemoryBackend: Sendable {
    package struct State: Sendable {
        package var conversations: [String: Int] = [:]
        package var nextConversation = 1
        package var starts: [SessionStartRequest] = []
        package var stops = 0
        package var failStopFor: Set<String> = []
        package var busy = false
        package var hold: [CheckedContinuation<Void, Never>] = []
        package var holdTurns = false
        /// Turns whose text says "hold", waiting for their session's interrupt.
        package var heldByText = 0
        /// While set, a session start waits in `waitingStarts` until `releaseStarts()`.
        package var holdStarts = false
        package var waitingStarts: [CheckedContinuation<Void, Never>] = []
        /// Transcripts "written" by export, by destination path: the conversation's turn count.
        package var transcripts: [String: Int] = [:]
        package var forks = 0
        package var imports = 0
        /// Imports answer a new conversation id even when the exported one is free.
        package var importUnderNewID = false
        /// Imports with `replace` that overwrote a conversation.
        package var replaces = 0
        /// Appended to every export written to `files`, to make transcripts large.
        package var exportPadding = ""
    }

    package let state = Locked(State())

    package init() {}

    package func turns(of conversation: String) -> Int? { state.withLock { $0.conversations[conversation] } }
    package func forget(_ conversation: String) {
        _ = state.withLock { $0.conversations.removeValue(forKey: conversation) }
    }
    package var starts: [SessionStartRequest] { state.withLock { $0.starts } }
    package var stops: Int { state.withLock { $0.stops } }
    /// How many turns with "hold" in their text are waiting for an interrupt.
    package var held: Int { state.withLock { $0.heldByText } }
    package func setBusy(_ busy: Bool) { state.withLock { $0.busy = busy } }
    package func failStop(forThread thread: String) { _ = state.withLock { $0.failStopFor.insert(thread) } }
    /// Holds every turn (whatever its text) until `releaseHeldTurns` or an interrupt.
    package func holdTurns(_ hold: Bool) { state.withLock { $0.holdTurns = hold } }
    package func releaseHeldTurns() {
        let held = state.withLock { state in
            defer { state.hold = [] }
            return state.hold
        }
        for continuation in held { continuation.resume() }
    }

    /// Makes session starts wait until `releaseStarts()`.
    package func holdStarts() { state.withLock { $0.holdStarts = true } }
    package var startsWaiting: Int { state.withLock { $0.waitingStarts.count } }
    package func releaseStarts() {
        let waiting = state.withLock { state in
            state.holdStarts = false
            defer { state.waitingStarts = [] }
            return state.waitingStarts
        }
        for continuation in waiting { continuation.resume() }
    }

    /// A new conversation with `turns` turns behind it; its id.
    fileprivate func place(turns: Int) -> String {
        state.withLock { state in
            let id = "conv-\(state.nextConversation)"
            state.nextConversation += 1
            state.conversations[id] = turns
            return id
        }
    }
}

/// An in-memory provider for the tests of what sits above the provider protocol: the session
/// service (AgentwsCoreTests) and the ACP agent (AgentwsACPTests). A turn answers
/// `turn <n> (<model>): <text>` in two text events (the model of the turn, or "session model"),
/// where n counts the conversation's turns; its text steers it:
/// - "fail" (the whole text): the turn fails with `provider-failed`;
/// - containing "metered": it reports tokens and cost, as Claude Code's plugin does;
/// - containing "tool": a tool call, started and then completed, before the reply;
/// - containing "think": a thought, a plan and an unknown event, as the acp plugin reports them;
/// - containing "hold": it waits for the session's interrupt (or stop) and ends cancelled.
/// An interrupt also ends a turn held by the backend (`holdTurns`) as cancelled.
package struct MemoryProvider: Provider {
    package let name: String
    package let backend: MemoryBackend
    package var modelSwitch: ModelSwitch = .inSession
    package var models: [String]? = ["m1", "m2"]
    /// What it advertises of ABI 1.1.
    package var canFork = false
    package var canTranscripts = false
    /// Advertises `canReplace` (with `canTranscripts`): an import with `replace` overwrites a conversation.
    package var canReplace = false
    /// Answers a fork with `unsupported` although it advertises it (an agent that turns out not to).
    package var forkUnsupportedReason: String?
    /// Set, exports also write bytes there (`<conversation> <turns>`), and imports read them back:
    /// what the transcript tests capture and restore.
    package var files: InMemoryTranscriptStore?

    package init(
        name: String, backend: MemoryBackend, modelSwitch: ModelSwitch = .inSession,
        models: [String]? = ["m1", "m2"], canFork: Bool = false, canTranscripts: Bool = false,
        canReplace: Bool = false, forkUnsupportedReason: String? = nil, files: InMemoryTranscriptStore? = nil
    ) {
        self.name = name
        self.backend = backend
        self.modelSwitch = modelSwitch
        self.models = models
        self.canFork = canFork
        self.canTranscripts = canTranscripts
        self.canReplace = canReplace
        self.forkUnsupportedReason = forkUnsupportedReason
        self.files = files
    }

    package func describe() async throws(ProviderError) -> ProviderCapabilities {
        ProviderCapabilities(
            modelSwitch: modelSwitch, models: models, canResume: true, canExport: canTranscripts,
            canImport: canTranscripts, canFork: canFork, canReplace: canTranscripts && canReplace,
            transcriptFormat: canTranscripts ? "memory" : nil)
    }

    private func conversation(_ cursor: JSONValue) throws(ProviderError) -> (String, Int) {
        guard let id = cursor["conversation"]?.stringValue, let turns = backend.turns(of: id) else {
            throw ProviderError(.notFound, "no conversation \(cursor)")
        }
        return (id, turns)
    }

    /// A new conversation with the source's turns behind it.
    package func fork(_ request: ForkRequest) async throws(ProviderError) -> JSONValue {
        guard canFork else { throw ProviderError(.unsupported, "\(name) cannot fork") }
        if let forkUnsupportedReason { throw ProviderError(.unsupported, forkUnsupportedReason) }
        let (_, turns) = try conversation(request.cursor)
        backend.state.withLock { $0.forks += 1 }
        return ["conversation": .string(backend.place(turns: turns))]
    }

    package func exportTranscript(_ request: TranscriptExportRequest) async throws(ProviderError)
        -> TranscriptExportResult
    {
        guard canTranscripts else { throw ProviderError(.unsupported, "\(name) cannot export") }
        let (id, turns) = try conversation(request.cursor)
        let padding = backend.state.withLock { state in
            state.transcripts[request.destination] = turns
            return state.exportPadding
        }
        files?.putScratch(request.destination, Array("\(id) \(turns)\(padding)".utf8))
        return TranscriptExportResult(format: "memory", cursor: request.cursor)
    }

    package func importTranscript(_ request: TranscriptImportRequest) async throws(ProviderError) -> JSONValue
    {
        if let files, let bytes = try? files.readScratch(request.source) {
            return try restore(bytes, cursor: request.cursor, replace: request.replace)
        }
        guard let turns = backend.state.withLock({ $0.transcripts[request.source] }) else {
            throw ProviderError(.invalidRequest, "no transcript at \(request.source)")
        }
        if let cursor = request.cursor { return cursor }
        return ["conversation": .string(backend.place(turns: turns))]
    }

    /// Places a conversation from `<conversation> <turns>` bytes: under its own id when that is free
    /// (and not told otherwise), else under a new one. With `replace` (advertised or not: the host
    /// must not send it unadvertised, and the tests check it does not), overwrites the existing
    /// conversation of that id.
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

    /// Opens a session on the cursor's conversation (`resume-failed` when there is no such one) or
    /// on a new one; waits first while starts are held.
    package func start(_ request: SessionStartRequest, events: @escaping ProviderEventHandler)
        async throws(ProviderError) -> any ProviderSession
    {
        await withCheckedContinuation { continuation in
            let now = backend.state.withLock { state -> Bool in
                guard state.holdStarts else { return true }
                state.waitingStarts.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
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

/// A session of `MemoryProvider`.
package final class MemorySession: ProviderSession {
    package let thread: String
    package let conversation: String
    package let backend: MemoryBackend
    package let events: ProviderEventHandler
    /// Whether an interrupt came, and the turn holding for one.
    private let interruption = Locked<(interrupted: Bool, waiter: CheckedContinuation<Void, Never>?)>(
        (false, nil))

    package init(
        thread: String, conversation: String, backend: MemoryBackend, events: @escaping ProviderEventHandler
    ) {
        self.thread = thread
        self.conversation = conversation
        self.backend = backend
        self.events = events
    }

    package var cursor: JSONValue? { ["conversation": .string(conversation)] }

    package func send(_ turn: TurnRequest) async throws(ProviderError) -> TurnOutcome {
        interruption.withLock { $0.interrupted = false }
        if backend.state.withLock({ $0.holdTurns }) {
            await withCheckedContinuation { continuation in
                backend.state.withLock { $0.hold.append(continuation) }
            }
        }
        if interruption.withLock({ $0.interrupted }) { return TurnOutcome(stopReason: .cancelled) }
        if turn.text == "fail" { throw ProviderError(.providerFailed, "the model fell over") }
        let number = backend.state.withLock { state -> Int in
            state.conversations[conversation, default: 0] += 1
            return state.conversations[conversation] ?? 0
        }
        if turn.text.contains("think") {
            events(.other(["session": "s", "type": "thought", "text": "pondering"]))
            events(
                .other([
                    "session": "s", "type": "plan",
                    "entries": [["content": "look", "priority": "high", "status": "in_progress"]],
                ]))
            events(.other(["session": "s", "type": "plan", "entries": [["content": "no status"]]]))
            events(.other(["session": "s", "type": "mystery"]))
        }
        if turn.text.contains("tool") {
            events(
                .toolCall(["id": .string("call-\(number)"), "title": "look around", "status": "in_progress"]))
            events(.toolCall(["id": .string("call-\(number)"), "status": "completed", "rawOutput": "done"]))
        }
        if turn.text.contains("hold") {
            await waitForInterrupt()
            return TurnOutcome(stopReason: .cancelled)
        }
        events(.text("turn \(number) (\(turn.model ?? "session model")): "))
        events(.text(turn.text))
        let usage =
            turn.text.contains("metered")
            ? TurnUsage(
                inputTokens: 40, outputTokens: 5, cachedReadTokens: 30,
                cost: .init(amount: 0.0125, currency: "USD"))
            : nil
        return TurnOutcome(stopReason: .endTurn, usage: usage)
    }

    private func waitForInterrupt() async {
        await withCheckedContinuation { continuation in
            let now = interruption.withLock { state -> Bool in
                if state.interrupted { return true }
                state.waiter = continuation
                return false
            }
            if now {
                continuation.resume()
            } else {
                backend.state.withLock { $0.heldByText += 1 }
            }
        }
    }

    /// Ends the running turn as cancelled: the one holding for an interrupt, or one the backend
    /// holds (every turn the backend holds is released).
    package func interrupt() async throws(ProviderError) {
        endHeldTurn()
        backend.releaseHeldTurns()
    }

    /// Marks the running turn interrupted and resumes it if it holds for that.
    private func endHeldTurn() {
        let waiter = interruption.withLock { state -> CheckedContinuation<Void, Never>? in
            state.interrupted = true
            defer { state.waiter = nil }
            return state.waiter
        }
        if let waiter {
            backend.state.withLock { $0.heldByText -= 1 }
            waiter.resume()
        }
    }

    package func isBusy() async throws(ProviderError) -> Bool { backend.state.withLock { $0.busy } }

    /// Counts the stop, fails it when told to for this thread, and ends a turn holding for an
    /// interrupt (not the turns the backend holds).
    package func stop() async throws(ProviderError) {
        let fail = backend.state.withLock { state -> Bool in
            state.stops += 1
            return state.failStopFor.contains(thread)
        }
        if fail { throw ProviderError(.providerFailed, "stop refused") }
        endHeldTurn()
    }
}

/// Resolves provider names to the providers it was given.
package struct MemoryResolver: ProviderResolver {
    package let providers: [String: any Provider]

    package init(providers: [String: any Provider]) {
        self.providers = providers
    }

    package func provider(named name: String) async throws -> any Provider {
        guard let provider = providers[name] else { throw AgentwsError(.notFound, "no provider \(name)") }
        return provider
    }
}
