import AgentwsCore
import AgentwsSystem

/// A directory holding `.agentws/` (SPEC §2), and the paths inside it.
package struct Workspace: Sendable, Equatable {
    /// The name of the workspace directory.
    package static let directoryName = ".agentws"

    /// Absolute, symlink-free path of the directory that holds `.agentws/`.
    package let root: String

    package init(root: String) { self.root = root }

    package var agentwsDirectory: String { root + "/" + Self.directoryName }
    package var configPath: String { agentwsDirectory + "/config.yaml" }
    package var bindingsDirectory: String { agentwsDirectory + "/bindings" }
    /// Captured provider transcripts, one directory per thread (SPEC §11).
    package var transcriptsDirectory: String { agentwsDirectory + "/transcripts" }
    package var pluginsDirectory: String { agentwsDirectory + "/plugins" }
    package var stateDirectory: String { agentwsDirectory + "/state" }
    package var locksDirectory: String { stateDirectory + "/locks" }
    package var threadStateDirectory: String { stateDirectory + "/threads" }
    /// One empty file per thread whose runtime record names a live owner (`RuntimeStateStore`).
    package var threadOwnersDirectory: String { stateDirectory + "/owners" }
    package var logsDirectory: String { stateDirectory + "/logs" }
    package var socketPath: String { stateDirectory + "/agentws.sock" }
    /// Held (`flock`) by the daemon that serves this workspace, for as long as it runs.
    package var daemonLockPath: String { stateDirectory + "/daemon.lock" }
    package var daemonLogPath: String { logsDirectory + "/daemon.log" }
    /// The per-machine cache of decoded bindings that makes listing many threads cheap.
    package var bindingIndexPath: String { stateDirectory + "/bindings.index" }

    /// Where provider instance `name` keeps its own state.
    package func providerStateDirectory(_ name: String) -> String { providersStateDirectory + "/" + name }
    /// Where the provider instances' state directories are, one per instance.
    package var providersStateDirectory: String { stateDirectory + "/providers" }

    /// The path of thread `thread`'s binding file. Only a validated `ThreadID` can build it.
    package func bindingPath(_ thread: ThreadID) -> String {
        bindingsDirectory + "/" + thread.rawValue + ".json"
    }

    /// The transcript directory of thread `thread`. Only a validated `ThreadID` can build it.
    package func transcriptDirectory(_ thread: ThreadID) -> String {
        transcriptsDirectory + "/" + thread.rawValue
    }

    /// `path` relative to the root when it is inside the workspace, for messages.
    package func displayPath(_ path: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// `relative` (as stored in a binding's `cwd`) resolved against the root.
    package func absolutePath(ofRelative relative: String) -> String {
        relative == "." || relative.isEmpty ? root : root + "/" + relative
    }

    /// `absolute` relative to the root, or nil when it is outside the workspace.
    package func relativePath(of absolute: String) -> String? {
        let resolved = Workspace.realPath(absolute) ?? absolute
        if resolved == root { return "." }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard resolved.hasPrefix(prefix) else { return nil }
        return String(resolved.dropFirst(prefix.count))
    }
}

extension Workspace {
    /// Finds the workspace for a command: `explicit` (`--workspace`), else `AGENTWS_WORKSPACE`, else the
    /// nearest directory at or above `currentDirectory` holding `.agentws/`, the way git finds `.git`.
    package static func locate(
        explicit: String?, environment: [String: String], currentDirectory: String
    ) throws(WorkspaceError) -> Workspace {
        if let given = explicit ?? environment["AGENTWS_WORKSPACE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            let source = explicit != nil ? "--workspace" : "AGENTWS_WORKSPACE"
            let absolute = given.hasPrefix("/") ? given : currentDirectory + "/" + given
            guard let resolved = realPath(absolute), FileIO.isDirectory(resolved) else {
                throw .missingDirectory(path: given, source: source)
            }
            guard FileIO.isDirectory(resolved + "/" + directoryName) else {
                throw .notAWorkspace(path: resolved, source: source)
            }
            return Workspace(root: resolved)
        }
        guard var directory = realPath(currentDirectory) else {
            throw .missingDirectory(path: currentDirectory, source: "the current directory")
        }
        while true {
            if FileIO.isDirectory(directory + "/" + directoryName) { return Workspace(root: directory) }
            if directory == "/" { break }
            directory = parent(of: directory)
        }
        throw .notFound(startingAt: currentDirectory)
    }

    /// The canonical absolute path (symlinks resolved), or nil when it does not exist.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}

/// Why no workspace could be used.
package enum WorkspaceError: AgentwsFailure, Equatable {
    case notFound(startingAt: String)
    case missingDirectory(path: String, source: String)
    case notAWorkspace(path: String, source: String)

    package var category: ErrorCategory { .notFound }

    package var description: String {
        switch self {
        case .notFound(let start):
            return
                "no agentws workspace found in \(start) or any parent directory; run 'agentws init' to create one, or pass --workspace DIR"
        case .missingDirectory(let path, let source):
            return "\(path) (from \(source)) is not a directory"
        case .notAWorkspace(let path, let source):
            return "\(path) (from \(source)) has no .agentws directory; run 'agentws init' there first"
        }
    }
}
