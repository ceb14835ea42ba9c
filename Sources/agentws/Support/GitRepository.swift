import Foundation

/// The git repository a workspace is in, driven through the `git` command (agentws links no git
/// library: the few questions it asks — is this a repository, what is configured, what is staged —
/// are one command each).
struct GitRepository {
    /// The directory git commands run in.
    let directory: String
    /// The repository's top level.
    let topLevel: String

    /// The repository holding `directory`, or nil when it is not in one (or git is not installed).
    static func containing(_ directory: String) -> GitRepository? {
        guard let result = run(["rev-parse", "--show-toplevel"], in: directory), result.status == 0 else {
            return nil
        }
        let top = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return top.isEmpty ? nil : GitRepository(directory: directory, topLevel: top)
    }

    /// Runs `git -C DIRECTORY ARGUMENTS`; nil when git cannot be started.
    static func runForBytes(_ arguments: [String], in directory: String) -> (status: Int32, output: [UInt8])?
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, [UInt8](data))
    }

    /// `git -C DIRECTORY ARGUMENTS` with its output as text; nil when git cannot be started.
    static func run(_ arguments: [String], in directory: String) -> (status: Int32, output: String)? {
        runForBytes(arguments, in: directory).map { ($0.status, String(decoding: $0.output, as: UTF8.self)) }
    }

    /// Whether git tracks the file at `path` (committed or added to the index), asked in the directory
    /// of the file it resolves to, so that a symbolic link into another repository (a dotfiles one)
    /// counts. False outside a repository and when git is not installed.
    static func tracks(_ path: String) -> Bool {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let directory = real.deletingLastPathComponent().path
        let result = run(["ls-files", "--error-unmatch", "--", real.lastPathComponent], in: directory)
        return result?.status == 0
    }

    /// `git ARGUMENTS` in this repository.
    func run(_ arguments: String...) -> (status: Int32, output: String)? {
        Self.run(arguments, in: directory)
    }

    /// A local configuration value, or nil when unset.
    func config(_ key: String) -> String? {
        guard let result = run("config", "--local", "--get", key), result.status == 0 else { return nil }
        return result.output.trimmingCharacters(in: .newlines)
    }

    /// The content of `path` (relative to the top level) in commit `revision`, or nil.
    func content(_ path: String, at revision: String) -> [UInt8]? {
        guard let result = Self.runForBytes(["show", "\(revision):\(path)"], in: topLevel), result.status == 0
        else { return nil }
        return result.output
    }

    /// The commit being merged into HEAD while a merge, rebase, cherry-pick or revert stops on a
    /// conflict (git's index stage 3 side), or nil when none is in progress.
    func mergingRevision() -> String? {
        ["MERGE_HEAD", "REBASE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"].first { name in
            Self.run(["rev-parse", "-q", "--verify", name], in: topLevel)?.status == 0
        }
    }

    /// The content of `path` (relative to the top level) at index stage `stage` (2: ours, 3: theirs,
    /// 1: the common ancestor), while a merge has it unmerged.
    func stagedContent(_ path: String, stage: Int) -> [UInt8]? {
        // Bytes as git has them: a transcript need not be UTF-8.
        guard let result = Self.runForBytes(["show", ":\(stage):\(path)"], in: topLevel), result.status == 0
        else { return nil }
        return result.output
    }
}
