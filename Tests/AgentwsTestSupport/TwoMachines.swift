import Foundation

extension TestWorkspace {
    /// Runs git in `directory` (the workspace unless told) with this workspace's environment (its own
    /// HOME) and the tests' fixed identity; throws when it fails. Returns its standard output.
    @discardableResult
    package func git(_ arguments: String..., in directory: String? = nil) throws -> String {
        let result = try GitCommand.run(arguments, in: directory ?? workspace, environment: environment)
        guard result.status == 0 else { throw TestFailure("git \(arguments) failed: \(result.stderr)") }
        return result.stdout
    }

    /// Appends `transcripts: mode: MODE` to the workspace's configuration (which must not have a
    /// `transcripts` section yet).
    package func setTranscriptsMode(_ mode: String) throws {
        let path = workspace + "/.agentws/config.yaml"
        let config = try String(contentsOfFile: path, encoding: .utf8)
        try Data((config + "transcripts:\n  mode: \(mode)\n").utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// SPEC §11's two machines for a provider of real agents: A, a git repository where `turns` ran
/// (one-shot sends, so every session stopped and was captured), commits its bindings — and in mode
/// `commit` its transcripts — and pushes them to a bare repository; B, a workspace of its own (its
/// own HOME, agent home, model mock and `state/`), replaced by a clone of that repository. The
/// configuration is not committed: it is machine-specific here (it points at each machine's mock and
/// homes), so `configure` writes it on both, and the mode is added after it.
package struct TwoMachines<Workspace: TestWorkspace> {
    package let a: Workspace
    package let b: Workspace
    /// The bare repository both share.
    package let bare: String

    package init(
        mode: String, make: () throws -> Workspace, configure: (Workspace) throws -> Void,
        turns: (Workspace) throws -> Void
    ) throws {
        let a = try make()
        try configure(a)
        try a.setTranscriptsMode(mode)
        try a.git("init", "-q")
        try turns(a)
        try a.git("add", ".agentws/bindings", ".agentws/.gitignore")
        if mode == "commit" { try a.git("add", ".agentws/transcripts") }
        try a.git("commit", "-q", "-m", "threads")
        let bare = a.root + "/shared.git"
        try a.git("clone", "-q", "--bare", a.workspace, bare, in: a.root)

        let b = try make()
        try FileManager.default.removeItem(atPath: b.workspace)
        try b.git("clone", "-q", bare, b.workspace, in: b.root)
        try configure(b)
        try b.setTranscriptsMode(mode)
        self.a = a
        self.b = b
        self.bare = bare
    }

    /// Ends both machines' agents and mocks and removes their files.
    package func close() {
        a.close()
        b.close()
    }
}
