import AgentwsCore
import AgentwsJSON
import AgentwsStorage

/// What `show` and `doctor` say about a thread's transcript (SPEC §11): whether the workspace holds
/// one, whether it matches its manifest and the binding's cursor, whether git tracks it, and why the
/// last capture wrote nothing.
struct TranscriptReport {
    var manifest: TranscriptManifest?
    /// Why the held transcript is not usable (damaged, missing file, unreadable manifest).
    var problem: String?
    /// Whether the manifest's cursor is the binding's.
    var cursorMatches: Bool
    var trackedByGit: Bool
    /// Why the last capture on this machine wrote nothing.
    var note: String?
    /// Whether the held transcript (whole, of the binding's cursor) differs from the one this
    /// machine's provider copy is known to equal: it came from elsewhere, and the next send adopts it.
    var newerThanThisMachine: Bool

    init(workspace: Workspace, binding: Binding, runtime: RuntimeRecord?) {
        let store = FileTranscriptStore(workspace: workspace)
        do {
            manifest = try store.readHeld(binding.threadID)?.manifest
            problem = nil
        } catch {
            manifest = try? store.manifest(of: binding.threadID)
            problem = "\(error)"
        }
        cursorMatches = manifest != nil && manifest?.cursor == binding.resumeCursor
        if let manifest {
            trackedByGit = GitRepository.tracks(
                workspace.transcriptDirectory(binding.threadID) + "/" + manifest.file)
        } else {
            trackedByGit = false
        }
        note = runtime?.transcriptNote
        if problem == nil, cursorMatches, let manifest, let known = runtime?.knownTranscriptSHA256 {
            newerThanThisMachine = manifest.sha256 != known
        } else {
            newerThanThisMachine = false
        }
    }

    var held: Bool { manifest != nil }

    /// One line for `show`.
    var text: String {
        guard let manifest else {
            if let problem { return "unusable: \(problem)" }
            return "none held" + (note.map { " (\($0))" } ?? "")
        }
        var parts = [
            ConfigByteSize(bytes: manifest.size).approximate, manifest.format,
            "captured \(manifest.capturedAt)",
            trackedByGit ? "tracked by git" : "not tracked by git",
        ]
        if let problem { parts.append("UNUSABLE: \(problem)") }
        if problem == nil, !cursorMatches {
            parts.append("for another cursor than the binding's: not used to restore")
        }
        if newerThanThisMachine {
            parts.append("newer than this machine's copy of the conversation (the next send adopts it)")
        }
        if let note { parts.append("last capture: \(note)") }
        return parts.joined(separator: ", ")
    }

    var json: JSONValue {
        [
            "held": .bool(held),
            "size": manifest.map { .integer($0.size) } ?? .null,
            "format": .optional(manifest?.format),
            "sha256": .optional(manifest?.sha256),
            "capturedAt": .optional(manifest?.capturedAt.description),
            "cursorMatches": .bool(cursorMatches),
            "trackedByGit": .bool(trackedByGit),
            "problem": .optional(problem),
            "note": .optional(note),
            "newerThanThisMachine": .bool(newerThanThisMachine),
        ]
    }
}
