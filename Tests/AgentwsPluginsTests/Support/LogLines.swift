import Foundation

/// How many lines of the log file at `path` contain `text` (0 when there is no file): how the
/// isolation tests count host starts (`=== started`), adoptions and the like.
func logLines(_ path: String, containing text: String) -> Int {
    let content = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return content.split(separator: "\n").filter { $0.contains(text) }.count
}
