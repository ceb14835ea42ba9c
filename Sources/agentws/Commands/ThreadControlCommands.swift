import AgentwsCore
import ArgumentParser

/// The arguments of the single-thread session commands.
struct ThreadArgument: ParsableArguments {
    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The thread id.")
    var thread: String

    /// Validates the id, opens the workspace and runs `body` with a one-shot session service.
    func run(_ body: @escaping @Sendable (SessionService, ThreadID) async throws -> String) async throws {
        let options = workspaceOptions
        let text = thread
        try await reportingFailures {
            let thread = try ThreadID(text)
            let context = try CommandContext.open(options)
            let service = context.makeService(residency: .oneShot, store: try context.openStore())
            Terminal.line(try await body(service, thread))
        }
    }
}

/// Prints a session event of a control command to stderr.
let printNotices: @Sendable (SessionEvent) -> Void = { event in
    switch event {
    case .notice(let text): Terminal.notice(text)
    case .warning(let text): Terminal.warning(text)
    default: break
    }
}

struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop a thread's session; the binding and its resume cursor are kept (idempotent).")

    @OptionGroup var arguments: ThreadArgument

    mutating func run() async throws {
        try await arguments.run { service, thread in
            try await service.stop(thread, events: printNotices)
            return "stopped \(thread); binding and cursor kept"
        }
    }
}

struct InterruptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interrupt",
        abstract: "Interrupt the running turn of a live session (never starts one).")

    @OptionGroup var arguments: ThreadArgument

    mutating func run() async throws {
        try await arguments.run { service, thread in
            try await service.interrupt(thread)
            return "interrupted the turn on \(thread)"
        }
    }
}

struct ResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Forget a thread's provider conversation (drops the cursor; keeps provider and model).")

    @OptionGroup var arguments: ThreadArgument

    mutating func run() async throws {
        try await arguments.run { service, thread in
            try await service.reset(thread, events: printNotices)
            return "reset \(thread); the next send starts a fresh conversation"
        }
    }
}

struct UnbindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unbind",
        abstract: "Delete a thread's binding; it can then be bound to any provider.")

    @OptionGroup var arguments: ThreadArgument

    mutating func run() async throws {
        try await arguments.run { service, thread in
            try await service.unbind(thread, events: printNotices)
            return "unbound \(thread)"
        }
    }
}
