import AgentwsACP
import AgentwsCore
import AgentwsJSON
import ArgumentParser

struct ForkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fork",
        abstract: "Fork a thread: a new thread with an independent copy of its provider conversation.",
        discussion: """
            The new thread is bound to the same provider, model, cwd and runtime mode, and records \
            parent: {"thread": SRC}. The copy comes from the provider's fork, else from its transcript \
            export and import under a new cursor; a provider that can do neither is refused (exit 4) \
            with its reason. SRC's binding file is not changed. A thread that never sent anything is \
            forked without a conversation: the fork's first send starts a fresh one.
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The thread to fork.")
    var source: String

    @Option(
        name: .customLong("thread"), help: "The new thread's id (default: a new id). It must not be bound.")
    var newThread: String?

    mutating func run() async throws {
        let options = workspaceOptions
        let json = output.json
        let sourceText = source
        let newText = newThread
        try await reportingFailures(json: json) {
            let source = try ThreadID(sourceText)
            let requested = try newText.map { try ThreadID($0) }
            let workspace = try CommandContext.locate(options)
            let collected = Collected<JSONValue>()
            try await SessionRoute.run(workspace, options: options) { daemon in
                var params: [String: JSONValue] = ["thread": .string(source.rawValue)]
                if let requested { params["newThread"] = .string(requested.rawValue) }
                collected.set(
                    try await daemon.call(ACPMethod.fork, .object(params)) { value in
                        if let event = SessionEventJSON.decode(value) { printNotices(event) }
                    })
            } local: { context in
                let service = context.makeService(residency: .oneShot, store: try context.openStore())
                let result = try await service.fork(source, into: requested, events: printNotices)
                collected.set(ACPAgent.forkJSON(result))
            }
            guard let result = collected.value else { return }
            if json {
                Terminal.json(result)
                return
            }
            let thread = result["thread"]?.stringValue ?? "?"
            let how: String
            switch result["method"]?.stringValue {
            case ForkMethod.providerFork.rawValue: how = "the provider's fork"
            case ForkMethod.transcript.rawValue: how = "a transcript export and import"
            default: how = "no conversation to copy yet"
            }
            Terminal.line(
                "forked \(source) into \(thread) (\(result["provider"]?.stringValue ?? "?"), \(how)); continue it with 'agentws send --thread \(thread) …'"
            )
        }
    }
}
