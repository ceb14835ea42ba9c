import AgentwsCore
import AgentwsSystem

/// Keeps `.agentws/.gitignore` in line with `transcripts.mode` (SPEC §11): `local` and `off` ignore
/// `transcripts/`, `commit` does not. Only agentws's own lines are added or removed; everything else
/// in the file stays as the user wrote it.
package enum TranscriptIgnore {
    static let ignoreLine = "/transcripts/"
    static let ignoreComment =
        "# Transcripts stay on this machine (transcripts.mode: local or off); agentws removes these two lines in mode commit."
    /// Interrupted transcript writes are never committed, whatever the mode.
    static let temporaryLine = "/transcripts/*/.*.tmp-*"

    /// The lines `agentws init` writes for the default mode.
    package static let initialLines = ignoreComment + "\n" + ignoreLine + "\n" + temporaryLine + "\n"

    /// Whether the workspace's `.gitignore` ignores `transcripts/` (agentws's line).
    package static func ignoresTranscripts(_ workspace: Workspace) -> Bool {
        lines(of: workspace).contains(ignoreLine)
    }

    private static func path(_ workspace: Workspace) -> String { workspace.agentwsDirectory + "/.gitignore" }

    private static func lines(of workspace: Workspace) -> [String] {
        guard let bytes = try? FileIO.readIfPresent(path(workspace)) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
    }

    /// Adds or removes agentws's ignore lines for `mode`; returns whether the file changed. A
    /// workspace without `.agentws/.gitignore` is left alone (`doctor` reports it).
    @discardableResult
    package static func apply(_ mode: Configuration.TranscriptMode, in workspace: Workspace) throws -> Bool {
        guard let bytes = try FileIO.readIfPresent(path(workspace)) else { return false }
        var lines = String(decoding: bytes, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map(String.init)
        if lines.last == "" { lines.removeLast() }
        let original = lines
        if mode == .commit {
            lines.removeAll { $0 == ignoreLine || $0 == ignoreComment }
        } else if !lines.contains(ignoreLine) {
            lines += [ignoreComment, ignoreLine]
        }
        if !lines.contains(temporaryLine) { lines.append(temporaryLine) }
        guard lines != original else { return false }
        let text = lines.joined(separator: "\n") + "\n"
        return try AtomicFile.write(
            Array(text.utf8), directory: workspace.agentwsDirectory, fileName: ".gitignore") == .written
    }
}
