import AgentwsCore
import AgentwsStorage
import ArgumentParser
import Foundation

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "End a merge conflict in a thread's binding file.",
        discussion: """
            Works on the conflict document the agentws merge driver writes, and on git's text conflict \
            markers (taking the two sides from git's index). --ours keeps this branch's binding, \
            --theirs the other branch's, --both keeps ours under the thread's id and theirs as a fork \
            of it under a new id (--thread, default <id>-theirs). The files are written in canonical \
            form; 'git add' them to mark the conflict resolved.
            """)

    enum Side: String, EnumerableFlag {
        case ours, theirs, both
    }

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The thread whose binding is in conflict.")
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
            let (ours, theirs) = try Self.sides(of: thread, in: workspace)
            let store = try BindingStore.open(workspace)
            let lock = try store.lock(thread)
            defer { lock.release() }
            var written = [workspace.bindingPath(thread)]
            switch side {
            case .ours: try store.write(ours, holding: lock)
            case .theirs:
                var kept = theirs
                kept.threadID = thread
                try store.write(kept, holding: lock)
            case .both:
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
                try store.write(forked, holding: forkLock)
                try store.write(ours, holding: lock)
                written.append(workspace.bindingPath(fork))
            }
            let relative = written.map { workspace.relativePath(of: $0) ?? $0 }
            Terminal.line(
                "resolved \(thread): kept \(side == .both ? "ours, and theirs as fork \(relative.last ?? "")" : side.rawValue)"
            )
            Terminal.line("run 'git add \(relative.joined(separator: " "))' to mark the conflict resolved")
        }
    }

    /// Our and their binding of a conflicted thread.
    static func sides(of thread: ThreadID, in workspace: Workspace) throws -> (Binding, Binding) {
        let path = workspace.bindingPath(thread)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AgentwsError(.notFound, "thread \(thread) has no binding file (\(path))")
        }
        do {
            _ = try BindingCodec.decode(Array(data), expectedThread: thread)
            throw AgentwsError(.failure, "thread \(thread) has no merge conflict; its binding file is fine")
        } catch let problem as BindingFileProblem {
            switch problem {
            case .conflicted(let conflict):
                return (conflict.ours, conflict.theirs)
            case .mergeConflict:
                return try stagedSides(of: thread, path: path, in: workspace)
            default:
                throw BindingFileError(path: path, problem: problem)
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
