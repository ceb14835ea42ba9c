import Foundation

/// The git merge driver for binding files (SPEC §13): the `.gitattributes` line that selects it and the
/// local git configuration that defines it.
enum MergeDriverSetup {
    /// The attribute pattern, relative to the workspace root where `.gitattributes` is written.
    static let pattern = ".agentws/bindings/*.json"
    static let attributeLine = "\(pattern) merge=agentws"
    static let driverName = "agentws binding merge (agentws merge-driver)"

    /// The driver command git runs: this agentws, by absolute path, since git runs drivers without
    /// the user's shell set-up.
    static var driverCommand: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return "\(shellQuoted(executable)) merge-driver %O %A %B %P"
    }

    static func shellQuoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The one command that registers the driver in a repository.
    static var registrationCommand: String {
        "git config merge.agentws.driver \(shellQuoted(driverCommand))"
    }

    /// What `.gitattributes` in `root` says of binding files: nil when nothing, else the line.
    static func attribute(in root: String) -> String? {
        guard let text = try? String(contentsOfFile: root + "/.gitattributes", encoding: .utf8) else {
            return nil
        }
        return text.split(separator: "\n").map(String.init).first {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix(pattern + " ")
                || $0.trimmingCharacters(in: .whitespaces).hasPrefix(pattern + "\t")
        }
    }

    /// Adds the attribute and registers the driver; idempotent. Returns what it did, and warnings
    /// (an existing different attribute is never replaced).
    static func install(workspaceRoot root: String, repository: GitRepository) -> (
        done: [String], warnings: [String]
    ) {
        var done: [String] = []
        var warnings: [String] = []
        switch attribute(in: root) {
        case nil:
            let path = root + "/.gitattributes"
            var text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            text += "# agentws: merge binding files field by field (docs/git.md)\n\(attributeLine)\n"
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                done.append("added '\(attributeLine)' to .gitattributes")
            } catch {
                warnings.append("could not write \(path): \(error.localizedDescription)")
            }
        case let line? where !line.contains("merge=agentws"):
            warnings.append(
                ".gitattributes already says '\(line)' for binding files; left as it is (agentws's merge driver is used only with merge=agentws)"
            )
        default: break
        }
        if repository.config("merge.agentws.driver") != driverCommand {
            _ = repository.run("config", "--local", "merge.agentws.name", driverName)
            if repository.run("config", "--local", "merge.agentws.driver", driverCommand)?.status == 0 {
                done.append(
                    "registered the merge driver in the repository's git config (merge.agentws.driver)")
            } else {
                warnings.append("could not register the merge driver; run: \(registrationCommand)")
            }
        }
        return (done, warnings)
    }

    /// What `doctor` says: nil when fine or not applicable, else the problem and its fix.
    static func problem(workspaceRoot root: String, repository: GitRepository) -> String? {
        guard let line = attribute(in: root), line.contains("merge=agentws") else { return nil }
        guard let driver = repository.config("merge.agentws.driver") else {
            return
                ".gitattributes selects the agentws merge driver for binding files, but this repository does not define it (as on a fresh clone): git falls back to a text merge. Register it with: \(registrationCommand)  (or run 'agentws init')"
        }
        let executable = driver.split(separator: " ").first.map(String.init)?.trimmingCharacters(
            in: CharacterSet(charactersIn: "'"))
        if let executable, executable.hasPrefix("/"),
            !FileManager.default.isExecutableFile(atPath: executable)
        {
            return
                "the registered merge driver runs \(executable), which does not exist any more; re-register it with: \(registrationCommand)"
        }
        return nil
    }
}
