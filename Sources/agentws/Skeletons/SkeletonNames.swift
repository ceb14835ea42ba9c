import AgentwsCore
import AgentwsPlugins

/// A new plugin's name and the identifiers each language derives from it.
struct SkeletonNames {
    /// The plugin name configurations use, `[a-z0-9][a-z0-9._-]*`.
    let name: String

    init(_ name: String) throws {
        guard PluginFileCheck.isValidPluginName(name) else {
            throw AgentwsError(
                .usage,
                "'\(name)' is not a plugin name: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 bytes (e.g. my-agent)"
            )
        }
        self.name = name
    }

    /// "my-agent" → "MyAgentProvider": the Swift module, type and product (lib<it>.so).
    var swiftModule: String {
        let words = name.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "_" })
        let joined = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return (joined.first?.isNumber ?? false ? "P" : "") + joined + "Provider"
    }

    /// The Cargo package name: dots are not allowed there.
    var rustCrate: String { name.replacingDots(with: "-") }

    /// The README section every skeleton shares: AGENTWS_PLUGIN_PATH at the build output, check,
    /// send twice across processes, stop, install.
    func developmentLoop(pluginPath: String, library: String) -> String {
        """
        ## The development loop

        agentws finds plugins in the directories of `AGENTWS_PLUGIN_PATH` first, so point it at the
        build output instead of copying or linking the file (a symbolic link out of a plugin
        directory is refused):

            export AGENTWS_PLUGIN_PATH=\(pluginPath)
            agentws plugin check \(library)
            # in a workspace whose .agentws/config.yaml has
            #   providers:
            #     \(name):
            #       plugin: \(name)
            agentws send --provider \(name) --thread t1 hello
            agentws send --thread t1 again       # a new process: resumes from the state directory
            agentws stop t1

        When it works: `agentws plugin install \(library)` (into the workspace's `.agentws/plugins`)
        or `--user` (for every workspace).

        """
    }

    /// The library Cargo builds: lib<it>.so, dashes made underscores.
    var rustLibrary: String { rustCrate.map { $0 == "-" ? "_" : $0 }.reduce(into: "") { $0.append($1) } }
}

extension String {
    fileprivate func replacingDots(with replacement: Character) -> String {
        String(map { $0 == "." ? replacement : $0 })
    }
}
