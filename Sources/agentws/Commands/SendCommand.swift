import AgentwsACP
import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsSystem
import ArgumentParser
import Dispatch
import Foundation

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message to a thread's provider and stream the reply.",
        discussion: """
            Without --thread a new thread is created and its id printed on stderr. A bound thread resumes \
            its provider conversation from the stored cursor. The reply goes to stdout as it arrives; \
            notices go to stderr. Ctrl-C interrupts the turn (a second Ctrl-C exits at once; the thread \
            is recovered, cursor kept, by the next command).
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(name: .long, help: "The thread id (default: a new thread).")
    var thread: String?

    @Option(name: .long, help: "The model: an alias, provider/model, or a model of the thread's provider.")
    var model: String?

    @Option(name: .long, help: "The provider instance for a new thread.")
    var provider: String?

    @Option(
        name: .customLong("runtime-mode"),
        help:
            "The provider's runtime/approval mode for a new thread (e.g. codex: read-only, workspace-write, full-access)."
    )
    var runtimeMode: String?

    @Flag(
        name: .long,
        help:
            "If the stored conversation cannot be resumed, start a fresh one (and say so) instead of failing."
    )
    var fresh = false

    @Flag(name: .long, help: "If another process owns the thread, wait for it instead of failing.")
    var wait = false

    @Flag(name: .long, help: "Print one JSON event per line on stdout.")
    var json = false

    @Argument(parsing: .remaining, help: "The message.")
    var message: [String] = []

    mutating func validate() throws {
        if message.isEmpty { throw ValidationError("missing MESSAGE: what to send to the provider") }
    }

    mutating func run() async throws {
        let options = workspaceOptions
        let json = json
        let threadText = thread
        let request = (
            model: model, provider: provider, fresh: fresh, wait: wait, text: message.joined(separator: " "),
            runtimeMode: runtimeMode
        )
        try await reportingFailures(json: json) {
            let thread = try threadText.map { text throws(InvalidThreadID) in try ThreadID(text) }
            let workspace = try CommandContext.locate(options)
            let printer = EventPrinter(json: json)
            let send = SendRequest(
                thread: thread, text: request.text, model: request.model, provider: request.provider,
                freshOnResumeFailure: request.fresh, waitForOwner: request.wait,
                cwd: CommandContext.relativeCurrentDirectory(in: workspace), runtimeMode: request.runtimeMode)
            var resultThread: ThreadID?
            try await SessionRoute.run(workspace, options: options) { daemon in
                let interrupts = InterruptForwarder { thread in
                    try? await daemon.notify(ACPMethod.sessionCancel, ["sessionId": .string(thread.rawValue)])
                }
                defer { interrupts.cancel() }
                let result = try await daemon.call(ACPMethod.send, Self.params(send)) { value in
                    guard let event = SessionEventJSON.decode(value) else { return }
                    if case .sessionReady(let thread, _, _, _) = event { interrupts.watch(thread) }
                    printer.print(event)
                }
                printer.finish()
                if thread == nil, !json, let created = result["thread"]?.stringValue {
                    Terminal.notice("thread \(created)")
                }
            } local: { context in
                let providers = await EarlyProviders.adopt(context) ?? context.makeProviders()
                // A spare plugin host this send did not take (its guess was wrong) ends with it.
                defer { SparePluginHost.discard() }
                let service = context.makeService(
                    residency: .oneShot, store: try context.openStore(), providers: providers)
                let interrupts = InterruptForwarder { thread in try? await service.interrupt(thread) }
                defer { interrupts.cancel() }
                let result = try await service.send(send) { event in
                    if case .sessionReady(let thread, _, _, _) = event { interrupts.watch(thread) }
                    printer.print(event)
                }
                printer.finish()
                resultThread = result.thread
            }
            if thread == nil, !json, let resultThread { Terminal.notice("thread \(resultThread)") }
        }
    }

    /// The `_agentws/send` parameters of a send.
    static func params(_ send: SendRequest) -> JSONValue {
        [
            "thread": .optional(send.thread?.rawValue), "text": .string(send.text),
            "model": .optional(send.model),
            "provider": .optional(send.provider), "fresh": .bool(send.freshOnResumeFailure),
            "wait": .bool(send.waitForOwner), "cwd": .string(send.cwd),
            "runtimeMode": .optional(send.runtimeMode),
        ]
    }
}

/// Prints a send's events: reply text to stdout as it arrives, the rest to stderr (or everything as
/// JSON lines).
final class EventPrinter: Sendable {
    let json: Bool
    private let endsWithNewline = Locked(true)

    init(json: Bool) { self.json = json }

    func print(_ event: SessionEvent) {
        if json {
            Terminal.jsonLine(Self.json(event))
            return
        }
        switch event {
        case .sessionReady(let thread, let provider, let model, let start):
            let name = model.map { provider + "/" + $0 } ?? provider
            let how: String
            switch start {
            case .fresh: how = "new conversation"
            case .resumed: how = "resumed"
            case .warm: how = "live session"
            case .replaced: how = "new conversation (the old one could not be resumed)"
            case .restored: how = "resumed from the workspace transcript"
            }
            Terminal.notice("thread \(thread) · \(name) · \(how)")
        case .text(let text):
            Terminal.out(text)
            endsWithNewline.withLock { $0 = text.hasSuffix("\n") || (text.isEmpty && $0) }
        case .toolCall(let call):
            Terminal.notice("tool: \(call["title"]?.stringValue ?? JSONWriter.compactString(call))")
        case .notice(let text): Terminal.notice(text)
        case .warning(let text): Terminal.warning(text)
        case .providerEvent: break
        case .turnFinished(let reason, _):
            if reason != .endTurn { Terminal.notice("turn ended: \(reason.rawValue)") }
        }
    }

    /// Ends the reply with a newline so the shell prompt starts on its own line.
    func finish() {
        if !json, !endsWithNewline.withLock({ $0 }) { Terminal.out("\n") }
    }

    static func json(_ event: SessionEvent) -> JSONValue { SessionEventJSON.encode(event) }
}

/// Turns Ctrl-C during a send into an interrupt of the running turn (in this process, or in the
/// daemon that runs it); a second Ctrl-C exits at once.
final class InterruptForwarder: Sendable {
    private let interrupt: @Sendable (ThreadID) async -> Void
    private let state = Locked<(thread: ThreadID?, source: (any DispatchSourceSignal)?, count: Int)>(
        (nil, nil, 0))

    init(interrupt: @escaping @Sendable (ThreadID) async -> Void) {
        self.interrupt = interrupt
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.interrupted() }
        source.resume()
        state.withLock { $0.source = source }
    }

    func watch(_ thread: ThreadID) { state.withLock { $0.thread = thread } }

    private func interrupted() {
        let (thread, count) = state.withLock { state -> (ThreadID?, Int) in
            state.count += 1
            return (state.thread, state.count)
        }
        guard count == 1, let thread else {
            Terminal.notice(
                "interrupted again; exiting now (the thread is recovered by the next command, cursor kept)")
            exit(130)
        }
        Terminal.notice("interrupting the turn (Ctrl-C again to exit at once)")
        let interrupt = interrupt
        Task { await interrupt(thread) }
    }

    func cancel() {
        state.withLock {
            $0.source?.cancel()
            $0.source = nil
        }
        signal(SIGINT, SIG_DFL)
    }
}
