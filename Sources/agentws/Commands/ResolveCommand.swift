import AgentwsCore
import AgentwsJSON
import AgentwsStorage
import ArgumentParser
import Foundation

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "End a merge conflict in a thread's binding file or transcript.",
        discussion: """
            Works on the conflict document the agentws merge driver writes, and on git's text conflict \
            markers (taking the two sides from git's index). --ours keeps this branch's binding, \
            --theirs the other branch's, --both keeps ours under the thread's id and theirs as a fork \
            of it under a new id (--thread, default <id>-theirs). A conflict in the thread's transcript \
            directory (transcripts.mode commit: both branches captured a continuation) is resolved the \
            same way: the kept side's manifest and transcript file stay, the other file goes; with \
            --both their transcript moves to the fork. When both branches continued the same \
            conversation (same cursor, only the transcript conflicts), --both is refused. The files are \
            written in canonical form; 'git add -A' them to mark the conflict resolved.
            """)

    enum Side: String, EnumerableFlag {
        case ours, theirs, both
    }

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The thread whose binding or transcript is in conflict.")
    var thread: String

    @Flag(help: "Which side to keep.")
    var side: Side

    @Option(name: .customLong("thread"), help: "With --both: the id of the fork that keeps their side.")
    var forkThread: String?

    mutating func run() async throws {
        let options = workspaceOptions
        let text = thread
        let side = side
        let forkText = forkThread
        try await reportingFailures {
            let thread = try ThreadID(text)
            let context = try CommandContext.open(options)
            let workspace = context.workspace
            let bindings = try Self.sides(of: thread, in: workspace)
            let transcripts = try TranscriptConflict.find(thread, in: workspace)
            guard bindings != nil || transcripts != nil else {
                throw AgentwsError(
                    .failure,
                    "thread \(thread) has no merge conflict; its binding file and transcript are fine")
            }
            if side == .both, bindings == nil, let transcripts {
                throw AgentwsError(
                    .conflict,
                    "both branches continued the same conversation of thread \(thread) (cursor \(JSONWriter.compactString(transcripts.ours.manifest.cursor))), so their side cannot become a fork of its own: keep one with --ours or --theirs (git's history keeps the other)"
                )
            }
            let store = try BindingStore.open(workspace)
            let lock = try store.lock(thread)
            defer { lock.release() }
            let transcriptStore = FileTranscriptStore(workspace: workspace)
            // What to 'git add -A': the thread's own files first, then a fork's.
            var touched =
                (bindings == nil ? [] : [workspace.bindingPath(thread)])
                + (transcripts == nil ? [] : [workspace.transcriptDirectory(thread)])
            var kept = side.rawValue
            switch side {
            case .ours:
                if let (ours, _) = bindings { try store.write(ours, holding: lock) }
                if let transcripts {
                    try transcriptStore.install(transcripts.ours.bytes, manifest: transcripts.ours.manifest)
                }
            case .theirs:
                if let (_, theirs) = bindings {
                    var taken = theirs
                    taken.threadID = thread
                    try store.write(taken, holding: lock)
                }
                if let transcripts {
                    var manifest = transcripts.theirs.manifest
                    manifest.thread = thread
                    try transcriptStore.install(transcripts.theirs.bytes, manifest: manifest)
                }
            case .both:
                guard let (ours, theirs) = bindings else { break }
                let fork = try forkText.map { try ThreadID($0) } ?? Self.freeID(for: thread, in: store)
                guard try store.read(fork) == nil else {
                    throw AgentwsError(
                        .conflict, "thread \(fork) exists already; choose another id with --thread")
                }
                var forked = theirs
                forked.threadID = fork
                forked.parent = Binding.Parent(thread: thread)
                forked.createdAt = UTCDateTime.now
                let forkLock = try store.lock(fork)
                defer { forkLock.release() }
                // Their conversation goes with their binding: its transcript moves to the fork.
                if let transcripts {
                    var manifest = transcripts.theirs.manifest
                    manifest.thread = fork
                    try transcriptStore.install(transcripts.theirs.bytes, manifest: manifest)
                    try transcriptStore.install(transcripts.ours.bytes, manifest: transcripts.ours.manifest)
                    touched.append(workspace.transcriptDirectory(fork))
                }
                try store.write(forked, holding: forkLock)
                try store.write(ours, holding: lock)
                touched.append(workspace.bindingPath(fork))
                kept = "ours, and theirs as fork \(fork)"
            }
            let relative = touched.map { workspace.relativePath(of: $0) ?? $0 }
            Terminal.line("resolved \(thread): kept \(kept)")
            Terminal.line("run 'git add -A \(relative.joined(separator: " "))' to mark the conflict resolved")
        }
    }

    /// Our and their binding of a conflicted thread; nil when its binding file is fine.
    static func sides(of thread: ThreadID, in workspace: Workspace) throws -> (Binding, Binding)? {
        let path = workspace.bindingPath(thread)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AgentwsError(.notFound, "thread \(thread) has no binding file (\(path))")
        }
        do {
            _ = try BindingCodec.decode(Array(data), expectedThread: thread)
            return nil
        } catch {
            switch error {
            case .conflicted(let conflict):
                return (conflict.ours, conflict.theirs)
            case .mergeConflict:
                return try stagedSides(of: thread, path: path, in: workspace)
            default:
                throw BindingFileError(path: path, problem: error)
            }
        }
    }

    /// The two sides of a text conflict, from git's index (stages 2 and 3).
    static func stagedSides(of thread: ThreadID, path: String, in workspace: Workspace) throws -> (
        Binding, Binding
    ) {
        guard let repository = GitRepository.containing(workspace.root),
            let relative = relativePath(path, to: repository.topLevel)
        else {
            throw AgentwsError(
                .invalidData,
                "\(path) has conflict markers but is not in a git repository; keep one version by hand")
        }
        func side(_ stage: Int, _ name: String) throws -> Binding {
            guard let bytes = repository.stagedContent(relative, stage: stage) else {
                throw AgentwsError(
                    .invalidData,
                    "\(path) has conflict markers but git has no unmerged \(name) version of it (is the merge still in progress?); keep one version by hand"
                )
            }
            do {
                return try BindingCodec.decode(bytes, expectedThread: thread)
            } catch {
                throw BindingFileError(path: "\(path) (\(name), from git's index)", problem: error)
            }
        }
        return (try side(2, "ours"), try side(3, "theirs"))
    }

    static func relativePath(_ path: String, to top: String) -> String? {
        let resolvedTop = Workspace.realPath(top) ?? top
        let resolved =
            (Workspace.realPath(URL(fileURLWithPath: path).deletingLastPathComponent().path)
                .map { $0 + "/" + URL(fileURLWithPath: path).lastPathComponent }) ?? path
        guard resolved.hasPrefix(resolvedTop + "/") else { return nil }
        return String(resolved.dropFirst(resolvedTop.count + 1))
    }

    /// `<thread>-theirs`, or `<thread>-theirs-2`, … — the first id without a binding.
    static func freeID(for thread: ThreadID, in store: BindingStore) throws -> ThreadID {
        var candidate = try ThreadID(thread.rawValue + "-theirs")
        var number = 2
        while try store.read(candidate) != nil {
            candidate = try ThreadID("\(thread.rawValue)-theirs-\(number)")
            number += 1
        }
        return candidate
    }
}
