import AgentwsCore
import AgentwsJSON
import AgentwsStorage
import AgentwsSystem
import ArgumentParser
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a thread as one portable file: its binding and its provider transcript.",
        discussion: """
            The file (format 'agentws-thread-export 1', docs/transcripts.md) holds everything another \
            workspace needs to continue the conversation: 'agentws import FILE' there. The transcript is \
            exported from the provider now, or taken from the workspace's transcript of the same cursor \
            when the provider no longer has it. It holds everything the agent saw: hand it only to whom \
            may read that. Runs in this process, also while a daemon serves the workspace.
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The thread to export.")
    var thread: String

    @Option(name: .short, help: "The file to write (replaced atomically); default: <thread>.agentws-thread.")
    var output: String?

    mutating func run() async throws {
        let options = workspaceOptions
        let text = thread
        let outputPath = output
        try await reportingFailures {
            let thread = try ThreadID(text)
            let context = try CommandContext.open(options)
            let service = context.makeService(residency: .oneShot, store: try context.openStore())
            let handOff = try await service.exportThread(thread)
            let path = outputPath ?? "\(thread.rawValue).agentws-thread"
            try AtomicFile.replace(handOff.encoded, path: path)
            let size = handOff.transcript.map { ConfigByteSize(bytes: $0.manifest.size).approximate }
            Terminal.line(
                "exported thread \(thread) to \(path)"
                    + (size.map {
                        " (binding and \($0) \(handOff.transcript?.manifest.format ?? "") transcript)"
                    }
                        ?? " (binding only: no provider conversation yet)"))
        }
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bind a thread from an 'agentws export' file and make its conversation resumable here.",
        discussion: """
            The thread's provider must be configured here (same instance name). Its transcript is \
            imported into the provider and kept under .agentws/transcripts/<thread>/; the binding is \
            written last. A file that is truncated, changed after the export, of another format or \
            version is refused with the reason, and nothing is left behind. A thread id that is bound \
            already is refused: choose another with --thread. The thread keeps the exported working             directory (relative to the workspace root); when that directory does not exist here the             import is refused: create it, or give the directory to work in with --cwd.
            """)

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The file 'agentws export' wrote.")
    var file: String

    @Option(help: "The thread id to import it as (default: the exported thread's id).")
    var thread: String?

    @Option(
        help: ArgumentHelp(
            "The directory the thread works in here, inside the workspace (default: the exported one).",
            valueName: "dir"))
    var cwd: String?

    mutating func run() async throws {
        let options = workspaceOptions
        let path = file
        let requestedText = thread
        let requestedCwd = cwd
        try await reportingFailures {
            let requested = try requestedText.map { try ThreadID($0) }
            let context = try CommandContext.open(options)
            let bytes: [UInt8]
            do {
                guard let read = try FileIO.readIfPresent(path) else {
                    throw AgentwsError(.notFound, "\(path): no such file")
                }
                bytes = read
            } catch let error as SystemError {
                throw AgentwsError(.failure, "\(error)")
            }
            let handOff: ThreadHandOff
            do {
                handOff = try ThreadHandOff(decoding: bytes)
            } catch {
                throw AgentwsError(.invalidData, "\(path) cannot be imported: \(error); nothing was imported")
            }
            let cwd = try Self.workingDirectory(requestedCwd, for: handOff.binding, in: context.workspace)
            let service = context.makeService(residency: .oneShot, store: try context.openStore())
            let result = try await service.importThread(handOff, as: requested, cwd: cwd)
            var line = "imported thread \(result.binding.threadID) (\(result.binding.provider)"
            line += result.binding.model.map { "/\($0)" } ?? ""
            line +=
                result.transcriptImported ? "), its conversation resumable here" : "), no conversation yet"
            if result.cursorChanged { line += " under a new cursor (the provider had that id taken)" }
            Terminal.line(line)
        }
    }
}

extension ImportCommand {
    /// The thread's working directory here, relative to the workspace root: `--cwd` (a path as the
    /// shell gives it, which must lie inside the workspace), else the exported one, which must exist
    /// here. A teammate's export names a directory of their checkout; a session started in a directory
    /// that is missing would fail only at the first message, after the import, so it is refused now.
    static func workingDirectory(_ requested: String?, for binding: Binding, in workspace: Workspace) throws
        -> String
    {
        guard let requested else {
            let absolute = binding.cwd == "." ? workspace.root : workspace.root + "/" + binding.cwd
            guard FileIO.isDirectory(absolute) else {
                throw AgentwsError(
                    .notFound,
                    "thread \(binding.threadID) works in '\(binding.cwd)' (relative to the workspace root), which is not a directory here (\(absolute)): create it, or import with --cwd DIR; nothing was imported"
                )
            }
            return binding.cwd
        }
        let absolute =
            requested.hasPrefix("/") ? requested : CommandContext.currentDirectory + "/" + requested
        guard let resolved = Workspace.realPath(absolute), FileIO.isDirectory(resolved) else {
            throw AgentwsError(.notFound, "--cwd \(requested): no such directory; nothing was imported")
        }
        guard let relative = workspace.relativePath(of: resolved) else {
            throw AgentwsError(
                .usage,
                "--cwd \(requested) is outside the workspace \(workspace.root); a thread works inside its workspace; nothing was imported"
            )
        }
        return relative
    }
}
