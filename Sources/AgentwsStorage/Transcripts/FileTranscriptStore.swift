import AgentwsCore
import AgentwsJSON
import AgentwsSystem

/// Transcripts on disk (SPEC §11): `transcripts/<thread>/manifest.json` and the transcript file it
/// names (`transcript-<hash prefix>.<ext>`), written like bindings (temporary file, `fsync`, `rename`,
/// directory `fsync`); providers' exports and imports go through the thread store's scratch files.
///
/// The transcript file's name comes from its hash, so a new content is a new file: it is written
/// whole first, then the manifest is replaced to name it, then older files go. Whatever instant a
/// crash (or SIGKILL) hits, the manifest names a whole file that matches it.
package final class FileTranscriptStore: TranscriptStore {
    package let workspace: Workspace
    package static let manifestName = "manifest.json"

    package init(workspace: Workspace) {
        self.workspace = workspace
    }

    func directory(of thread: ThreadID) -> String { workspace.transcriptDirectory(thread) }

    // MARK: Scratch files

    package func scratchSize(_ path: String) throws -> Int64? {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT { return nil }
            throw SystemError.last("stat", path)
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    package func readScratch(_ path: String) throws -> [UInt8] {
        guard let bytes = try FileIO.readIfPresent(path) else {
            throw SystemError("read", path: path, code: ENOENT)
        }
        return bytes
    }

    package func writeScratch(_ bytes: [UInt8], to path: String) throws {
        guard try FileIO.createExclusively(path, bytes, mode: 0o600) else {
            throw SystemError("create", path: path, code: EEXIST)
        }
    }

    // MARK: Held transcripts

    package func manifest(of thread: ThreadID) throws -> TranscriptManifest? {
        let path = directory(of: thread) + "/" + Self.manifestName
        let bytes: [UInt8]
        do {
            guard let read = try FileIO.readIfPresent(path) else { return nil }
            bytes = read
        } catch {
            throw TranscriptProblem("\(path) cannot be read: \(error)")
        }
        if let line = GitConflictMarkers.firstLine(in: bytes) {
            throw TranscriptProblem(
                "\(workspace.displayPath(path)):\(line): merge conflict: both branches captured a continuation of thread \(thread); end it with 'agentws resolve \(thread) --ours|--theirs' (docs/git.md), then 'git add -A' its directory"
            )
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes)
        } catch {
            throw TranscriptProblem("\(workspace.displayPath(path)) is not valid JSON: \(error)")
        }
        let manifest: TranscriptManifest
        do {
            manifest = try TranscriptManifest(json: json)
        } catch {
            throw TranscriptProblem("\(workspace.displayPath(path)): \(error.reason)")
        }
        guard manifest.thread == thread else {
            throw TranscriptProblem(
                "\(workspace.displayPath(path)) is for thread \(manifest.thread), not \(thread) (copied by hand?)"
            )
        }
        return manifest
    }

    package func readHeld(_ thread: ThreadID) throws -> (manifest: TranscriptManifest, bytes: [UInt8])? {
        guard let manifest = try manifest(of: thread) else { return nil }
        let path = directory(of: thread) + "/" + manifest.file
        guard let bytes = try heldBytesUnchecked(manifest) else {
            throw TranscriptProblem("\(workspace.displayPath(path)), named by its manifest, is missing")
        }
        do {
            try manifest.check(bytes)
        } catch {
            throw TranscriptProblem("\(workspace.displayPath(path)): \(error.reason)")
        }
        return (manifest, bytes)
    }

    package func heldBytesUnchecked(_ manifest: TranscriptManifest) throws -> [UInt8]? {
        let path = directory(of: manifest.thread) + "/" + manifest.file
        do {
            return try FileIO.readIfPresent(path)
        } catch {
            throw TranscriptProblem("\(workspace.displayPath(path)) cannot be read: \(error)")
        }
    }

    package func install(_ bytes: [UInt8], manifest: TranscriptManifest) throws {
        let directory = directory(of: manifest.thread)
        let created = !FileIO.isDirectory(directory)
        try FileIO.makeDirectories(directory)
        if created { try FileIO.syncDirectory(workspace.transcriptsDirectory) }
        _ = try AtomicFile.write(bytes, directory: directory, fileName: manifest.file)
        _ = try AtomicFile.write(manifest.encoded, directory: directory, fileName: Self.manifestName)
        try removeOthers(in: directory, keeping: manifest.file)
    }

    package func writeManifest(_ manifest: TranscriptManifest) throws {
        let directory = directory(of: manifest.thread)
        _ = try AtomicFile.write(manifest.encoded, directory: directory, fileName: Self.manifestName)
    }

    package func removeHeld(_ thread: ThreadID) throws -> Bool {
        let directory = directory(of: thread)
        guard FileIO.isDirectory(directory) else { return false }
        // The manifest first: a crash half-way leaves files no manifest names, which the next
        // capture removes, never a manifest naming a file that is gone.
        _ = try AtomicFile.remove(directory: directory, fileName: Self.manifestName)
        try removeOthers(in: directory, keeping: nil)
        if rmdir(directory) != 0, errno != ENOENT { throw SystemError.last("remove", directory) }
        try FileIO.syncDirectory(workspace.transcriptsDirectory)
        return true
    }

    /// Removes every file in `directory` but the manifest and `kept`: older transcripts and the
    /// temporary files of writes a crash interrupted.
    private func removeOthers(in directory: String, keeping kept: String?) throws {
        guard let listing = try OpenDirectory(directory) else { return }
        var removed = false
        for name in listing.names() where name != Self.manifestName && name != kept {
            try FileIO.removeIfPresent(directory + "/" + name)
            removed = true
        }
        if removed { try FileIO.syncDirectory(directory) }
    }

    /// The threads with a transcript directory, for `doctor`.
    package func heldThreads() -> [String] {
        guard let listing = try? OpenDirectory(workspace.transcriptsDirectory) else { return [] }
        return listing.names().filter { !$0.hasPrefix(".") }.sorted()
    }
}
