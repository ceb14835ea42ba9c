import AgentwsCore
import AgentwsSystem

/// The directories searched for plugins, in order (SPEC §7, §8.2, §14): `AGENTWS_PLUGIN_PATH`, then
/// the configuration's `plugins.paths`, then the user's plugins (`$XDG_DATA_HOME/agentws/plugins`,
/// where `agentws plugin install --user` puts them), then the directory of the running executable,
/// then the installed plugins beside it (`<executable's directory>/../lib/agentws/plugins`, where
/// `scripts/install` puts them).
package struct PluginSearchPath: Sendable, Equatable {
    /// The environment variable holding extra plugin directories, separated by colons.
    package static let environmentVariable = "AGENTWS_PLUGIN_PATH"

    /// Searched in order; the first plugin of a name wins.
    package var directories: [String]
    /// Where each directory came from, for `agentws providers` (same order as `directories`).
    package var origins: [String]

    /// An explicit list of directories, searched in order.
    package init(directories: [String]) {
        self.directories = directories
        self.origins = directories.map { _ in "given" }
    }

    /// Where the directory holding `pluginPath` came from, when it is one of these directories.
    package func origin(ofPluginAt pluginPath: String) -> String? {
        let directory = pluginPath.parentDirectory
        return directories.firstIndex(of: directory).map { origins[$0] }
    }

    /// The origins of the shipped plugins' directories: beside the executable, and the installed
    /// plugins (`scripts/install`).
    package static let shippedOrigins: Set<String> = ["beside the executable", "installed plugins"]

    /// The installed plugins' directory for an executable in `executableDirectory`.
    package static func installedPluginDirectory(executableDirectory: String) -> String {
        executableDirectory.parentDirectory.appendingPathComponent("lib/agentws/plugins")
    }

    /// Builds the standard order from its three sources.
    ///
    /// - Parameters:
    ///   - environmentValue: the value of `AGENTWS_PLUGIN_PATH`; empty entries are ignored, relative
    ///     ones are kept so that discovery can report them.
    ///   - configuredPaths: `plugins.paths`; relative entries are resolved against `workspaceRoot`
    ///     and dropped when there is no workspace.
    ///   - executableDirectory: searched last, so that plugins installed next to agentws are found.
    ///   - userDirectory: the user's plugin directory, searched after the configured ones.
    package init(
        environmentValue: String?, configuredPaths: [String], workspaceRoot: String?,
        userDirectory: String? = nil, executableDirectory: String?
    ) {
        var directories = (environmentValue ?? "").split(separator: ":").map(String.init)
        var origins = directories.map { _ in Self.environmentVariable }
        for path in configuredPaths {
            if path.hasPrefix("/") {
                directories.append(path)
            } else if let workspaceRoot {
                directories.append(workspaceRoot.appendingPathComponent(path))
            } else {
                continue
            }
            origins.append("plugins.paths")
        }
        if let userDirectory {
            directories.append(userDirectory)
            origins.append("user plugins")
        }
        if let executableDirectory {
            directories.append(executableDirectory)
            origins.append("beside the executable")
            directories.append(Self.installedPluginDirectory(executableDirectory: executableDirectory))
            origins.append("installed plugins")
        }
        self.directories = directories
        self.origins = origins
    }

    /// The standard order for this process: its environment and executable, and `configuration`.
    package static func current(configuration: Configuration.Plugins, workspaceRoot: String?)
        -> PluginSearchPath
    {
        PluginSearchPath(
            environmentValue: getenv(environmentVariable).map { String(cString: $0) },
            configuredPaths: configuration.paths,
            workspaceRoot: workspaceRoot,
            userDirectory: userPluginDirectory(),
            executableDirectory: executableDirectory())
    }

    /// The user's plugin directory: `$XDG_DATA_HOME/agentws/plugins`, else
    /// `$HOME/.local/share/agentws/plugins`; nil when neither variable holds an absolute path.
    package static func userPluginDirectory(
        xdgDataHome: String? = getenv("XDG_DATA_HOME").map { String(cString: $0) },
        home: String? = getenv("HOME").map { String(cString: $0) }
    ) -> String? {
        if let xdgDataHome, xdgDataHome.hasPrefix("/") { return xdgDataHome + "/agentws/plugins" }
        if let home, home.hasPrefix("/") { return home + "/.local/share/agentws/plugins" }
        return nil
    }

    /// The directory of the running executable, from /proc/self/exe.
    package static func executableDirectory() -> String? {
        guard case .success(let executable) = SystemCalls.realPath("/proc/self/exe") else { return nil }
        return executable.parentDirectory
    }
}
