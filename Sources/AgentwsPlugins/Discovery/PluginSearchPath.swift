import AgentwsCore
import AgentwsSystem

/// The directories searched for plugins, in order (SPEC §7, §8.2): `AGENTWS_PLUGIN_PATH`, then the
/// configuration's `plugins.paths`, then the directory of the running executable.
public struct PluginSearchPath: Sendable, Equatable {
    /// The environment variable holding extra plugin directories, separated by colons.
    public static let environmentVariable = "AGENTWS_PLUGIN_PATH"

    /// Searched in order; the first plugin of a name wins.
    public var directories: [String]

    /// An explicit list of directories, searched in order.
    public init(directories: [String]) {
        self.directories = directories
    }

    /// Builds the standard order from its three sources.
    ///
    /// - Parameters:
    ///   - environmentValue: the value of `AGENTWS_PLUGIN_PATH`; empty entries are ignored, relative
    ///     ones are kept so that discovery can report them.
    ///   - configuredPaths: `plugins.paths`; relative entries are resolved against `workspaceRoot`
    ///     and dropped when there is no workspace.
    ///   - executableDirectory: searched last, so that plugins installed next to agentws are found.
    public init(
        environmentValue: String?, configuredPaths: [String], workspaceRoot: String?,
        executableDirectory: String?
    ) {
        var directories = (environmentValue ?? "").split(separator: ":").map(String.init)
        for path in configuredPaths {
            if path.hasPrefix("/") {
                directories.append(path)
            } else if let workspaceRoot {
                directories.append(workspaceRoot.appendingPathComponent(path))
            }
        }
        if let executableDirectory { directories.append(executableDirectory) }
        self.directories = directories
    }

    /// The standard order for this process: its environment and executable, and `configuration`.
    public static func current(configuration: Configuration.Plugins, workspaceRoot: String?)
        -> PluginSearchPath
    {
        PluginSearchPath(
            environmentValue: getenv(environmentVariable).map { String(cString: $0) },
            configuredPaths: configuration.paths,
            workspaceRoot: workspaceRoot,
            executableDirectory: executableDirectory())
    }

    /// The directory of the running executable, from /proc/self/exe.
    public static func executableDirectory() -> String? {
        guard case .success(let executable) = SystemCalls.realPath("/proc/self/exe") else { return nil }
        return executable.parentDirectory
    }
}
