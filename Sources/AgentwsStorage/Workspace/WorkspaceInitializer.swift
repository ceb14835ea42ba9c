import AgentwsCore
import AgentwsSystem

/// Creates the `.agentws/` layout (SPEC §2). Idempotent: it only adds what is missing and never
/// overwrites a configuration, binding or ignore file that exists.
package enum WorkspaceInitializer {
    /// What `initialize` found and did, for the command's report.
    package struct Report: Sendable, Equatable {
        package var workspace: Workspace
        /// Paths created by this call, relative to the workspace root.
        package var created: [String]
    }

    /// The `.agentws/.gitignore` written on creation: runtime state and plugin binaries stay local.
    package static let gitignore = """
        # Written by 'agentws init'. Runtime state is per machine and never committed.
        /state/
        # Plugin binaries are machine-specific; commit a note on where to get them instead.
        /plugins/*.so
        # Temporary files of interrupted binding writes (removed on the next start).
        /bindings/.*.tmp-*

        """ + TranscriptIgnore.initialLines

    /// The `.agentws/config.yaml` written on creation: everything commented out, so the built-in
    /// defaults apply until the user changes something.
    package static let configTemplate = """
        # agentws workspace configuration. Every key is optional; the built-in defaults apply to what is
        # not set here. Run 'agentws config' to see the effective values and where each came from.
        # Reference: docs/configuration.md in the agentws repository.
        #
        # reaper:
        #   idle_timeout: 30m
        #   sweep_interval: 1m
        # models:
        #   default: echo/echo-1

        """

    package static func initialize(at directory: String) throws(SystemError) -> Report {
        try FileIO.makeDirectories(directory)
        guard let root = Workspace.realPath(directory) else {
            throw SystemError("resolve", path: directory, code: 2)
        }
        let workspace = Workspace(root: root)
        var created: [String] = []
        for path in [
            workspace.agentwsDirectory, workspace.bindingsDirectory, workspace.pluginsDirectory,
            workspace.stateDirectory, workspace.locksDirectory, workspace.threadStateDirectory,
        ] where !FileIO.exists(path) {
            try FileIO.makeDirectories(path)
            created.append(workspace.relativePath(of: path) ?? path)
        }
        let files: [(String, String)] = [
            (workspace.agentwsDirectory + "/.gitignore", gitignore),
            (workspace.configPath, configTemplate),
        ]
        for (path, content) in files where try FileIO.createExclusively(path, Array(content.utf8)) {
            created.append(workspace.relativePath(of: path) ?? path)
        }
        if !created.isEmpty { try FileIO.syncDirectory(workspace.agentwsDirectory) }
        return Report(workspace: workspace, created: created)
    }
}
