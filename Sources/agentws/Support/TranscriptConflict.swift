import AgentwsCore
import AgentwsJSON
import AgentwsStorage
import Foundation

/// Both sides of a merge conflict in `transcripts/<thread>/` (mode `commit`, SPEC §11, §13): each
/// side captured its own continuation, so git has two versions of `manifest.json` and both
/// hash-named transcript files. Read from git's index (stages 2 and 3), each checked against its own
/// manifest, so that `agentws resolve` can keep one side, or both.
struct TranscriptConflict {
    struct Side {
        var manifest: TranscriptManifest
        var bytes: [UInt8]
    }

    var ours: Side
    var theirs: Side

    /// The conflict in `thread`'s transcript directory, or nil when its manifest is not unmerged.
    static func find(_ thread: ThreadID, in workspace: Workspace) throws -> TranscriptConflict? {
        let directory = workspace.transcriptDirectory(thread)
        guard let repository = GitRepository.containing(workspace.root),
            let relative = ResolveCommand.relativePath(directory + "/manifest.json", to: repository.topLevel)
        else { return nil }
        let ours = repository.stagedContent(relative, stage: 2)
        let theirs = repository.stagedContent(relative, stage: 3)
        guard ours != nil || theirs != nil else { return nil }
        guard let ours, let theirs else {
            throw AgentwsError(
                .invalidData,
                "\(workspace.displayPath(directory))/manifest.json is unmerged, but only one side of it is in git's index (one branch removed the transcript); keep or remove the directory by hand and 'git add' it"
            )
        }
        let base = String(relative.dropLast("manifest.json".count))
        // The transcript files come from the two commits, not from the index: git sees the two new
        // hash-named files as renames of the old one and stores its own merge of them, with conflict
        // markers, as their index stages.
        guard let other = repository.mergingRevision() else {
            throw AgentwsError(
                .invalidData,
                "\(workspace.displayPath(directory))/manifest.json is unmerged, but no merge, rebase, cherry-pick or revert is in progress; keep one version by hand"
            )
        }
        func side(_ manifestBytes: [UInt8], revision: String, _ name: String) throws -> Side {
            let place = "\(workspace.displayPath(directory))/manifest.json (\(name), from git's index)"
            let manifest: TranscriptManifest
            do {
                manifest = try TranscriptManifest(json: try JSONParser.parse(bytes: manifestBytes))
            } catch {
                throw AgentwsError(.invalidData, "\(place) is not a transcript manifest: \(error)")
            }
            guard let bytes = repository.content(base + manifest.file, at: revision) else {
                throw AgentwsError(
                    .invalidData, "\(place) names \(manifest.file), which \(revision) does not have")
            }
            do {
                try manifest.check(bytes)
            } catch {
                throw AgentwsError(
                    .invalidData,
                    "\(name) transcript \(manifest.file) (at \(revision)) does not match its manifest: \(error)"
                )
            }
            return Side(manifest: manifest, bytes: bytes)
        }
        return TranscriptConflict(
            ours: try side(ours, revision: "HEAD", "ours"),
            theirs: try side(theirs, revision: other, "theirs"))
    }
}
