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

    /// The library Cargo builds: lib<it>.so, dashes made underscores.
    var rustLibrary: String { rustCrate.map { $0 == "-" ? "_" : $0 }.reduce(into: "") { $0.append($1) } }
}

extension String {
    fileprivate func replacingDots(with replacement: Character) -> String {
        String(map { $0 == "." ? replacement : $0 })
    }
}
