import AgentwsACP
import AgentwsCore
import AgentwsDaemon
import AgentwsJSON
import ArgumentParser

/// The arguments of the single-thread session commands.
struct ThreadArgument: ParsableArguments {
    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The thread id.")
    var thread: String

    /// Validates the id, opens the workspace and runs the operation — through the daemon's
    /// `method` when a daemon serves the workspace, else with `local` on a one-shot session service
    /// — then prints `done`.
    func run(
        method: String, done: @escaping @Sendable (ThreadID) -> String,
        local: @escaping @Sendable (SessionService, ThreadID) async throws -> Void
    ) async throws {
        let options = workspaceOptions
        let text = thread
        try await reportingFailures {
            let thread = try ThreadID(text)
            let workspace = try CommandContext.locate(options)
            try await SessionRoute.run(workspace, options: options) { daemon in
                _ = try await daemon.call(method, ["thread": .string(thread.rawValue)]) { value in
                    if let event = SessionEventJSON.decode(value) { printNotices(event) }
                }
            } local: { context in
                let service = context.makeService(residency: .oneShot, store: try context.openStore())
                try await local(service, thread)
            }
            Terminal.line(done(thread))
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
        try await arguments.run(method: ACPMethod.stop, done: { "stopped \($0); binding and cursor kept" }) {
            service, thread in
            try await service.stop(thread, events: printNotices)
        }
    }
}

struct InterruptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interrupt",
        abstract: "Interrupt the running turn of a live session (never starts one).")

    @OptionGroup var arguments: ThreadArgument

    mutating func run() async throws {
        try await arguments.run(method: ACPMethod.interrupt, done: { "interrupted the turn on \($0)" }) {
            service, thread in
            try await service.interrupt(thread)
        }
    }
}

struct ResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Forget a thread's provider conversation (drops the cursor; keeps provider and model).")

    @OptionGroup var arguments: ThreadArgument

    mutating func run() async throws {
        try await arguments.run(
            method: ACPMethod.reset, done: { "reset \($0); the next send starts a fresh conversation" }
        ) { service, thread in
            try await service.reset(thread, events: printNotices)
        }
    }
}

struct UnbindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unbind",
        abstract: "Delete a thread's binding; it can then be bound to any provider.")

    @OptionGroup var arguments: ThreadArgument

    mutating func run() async throws {
        try await arguments.run(method: ACPMethod.unbind, done: { "unbound \($0)" }) { service, thread in
            try await service.unbind(thread, events: printNotices)
        }
    }
}
