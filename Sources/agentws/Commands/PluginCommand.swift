import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsStorage
import AgentwsSystem
import ArgumentParser
import Foundation
import Logging

/// `agentws plugin`: the plugin author's commands (docs/plugin-abi.md, "Writing a plugin outside
/// this repository").
struct PluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Write, check and install provider plugins.",
        subcommands: [New.self, Check.self, Install.self, Header.self]
    )
}

extension PluginCommand {
    enum Language: String, ExpressibleByArgument, CaseIterable {
        case swift, c, rust
    }

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write a working plugin skeleton (package, exports, a provider that resumes from its state directory, README) into DIR (default ./NAME).",
            discussion:
                "The Swift and Rust skeletons depend on the plugin kit by path and the C one compiles against its header, so each builds offline."
        )

        @Argument(help: "The plugin name configurations will use ([a-z0-9][a-z0-9._-]*).") var name: String
        @Option(help: "swift, c or rust.") var lang: Language
        @Argument(help: "The directory to create (must not exist or be empty).") var directory: String?

        mutating func run() async throws {
            let (name, lang, directory) = (name, lang, directory)
            try await reportingFailures {
                let names = try SkeletonNames(name)
                let kit = try PluginKitLocation.locate()
                let files: [(path: String, text: String)]
                switch lang {
                case .swift: files = SwiftSkeleton.files(names, kit: kit)
                case .c: files = try CSkeleton.files(names, kit: kit)
                case .rust: files = try RustSkeleton.files(names, kit: kit)
                }
                let target = absolute(directory ?? name)
                if let existing = try? FileManager.default.contentsOfDirectory(atPath: target),
                    !existing.isEmpty
                {
                    throw AgentwsError(.conflict, "\(target) exists and is not empty; name another directory")
                }
                for file in files {
                    let path = target + "/" + file.path
                    try FileIO.makeDirectories((path as NSString).deletingLastPathComponent, mode: 0o755)
                    try AtomicFile.replace(Array(file.text.utf8), path: path)
                }
                let build: String
                switch lang {
                case .swift: build = "swift build  # → .build/debug/lib\(names.swiftModule).so"
                case .c: build = "make  # → lib\(names.name).so"
                case .rust: build = "cargo build --offline  # → target/debug/lib\(names.rustLibrary).so"
                }
                Terminal.line(
                    "created \(target): a \(lang.rawValue) plugin named \(names.name) (kit: \(kit.root))")
                Terminal.line("next: cd \(target) && \(build); its README has the development loop")
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check a plugin file as agentws would load it: the loader's checks, then create and describe.",
            discussion: """
                The plugin runs in a plugin host (a child agentws process), so a crash is reported with \
                how the host died. Exits 5 when the loader refuses the file (or loading it kills the \
                host) and 6 when create or describe fails.
                """
        )

        @Argument(help: "The plugin's shared object.") var file: String
        @OptionGroup var output: OutputOptions

        mutating func run() async throws {
            let (file, json) = (file, output.json)
            try await reportingFailures(json: json) {
                let check = try await checked(absolute(file))
                if json {
                    Terminal.json(Self.json(check))
                    return
                }
                let plugin = check.plugin
                let capabilities = check.capabilities
                func yesNo(_ flag: Bool) -> String { flag ? "yes" : "no" }
                Terminal.line("plugin \(plugin.name) \(plugin.version): accepted")
                Terminal.line("  file        \(plugin.path)")
                Terminal.line(
                    "  ABI         \(plugin.abiMajor).\(plugin.abiMinor) (this agentws speaks \(PluginHostVersion.abi))"
                )
                Terminal.line("  toolchain   \(plugin.toolchain)")
                Terminal.line(
                    "  loader      path, ownership, mode, ELF header, magic block and entry table pass")
                Terminal.line("  create      ok, then describe:")
                Terminal.line("  modelSwitch \(capabilities.modelSwitch.rawValue)")
                Terminal.line("  models      \(capabilities.models?.joined(separator: ", ") ?? "any")")
                Terminal.line(
                    "  resume \(yesNo(capabilities.canResume)), export \(yesNo(capabilities.canExport)), import \(yesNo(capabilities.canImport)), fork \(yesNo(capabilities.canFork)), replace \(yesNo(capabilities.canReplace))"
                )
                if let warning = check.toolchainWarning { Terminal.warning(warning) }
                Terminal.line(
                    "use it: AGENTWS_PLUGIN_PATH=\((plugin.path as NSString).deletingLastPathComponent), or agentws plugin install \(plugin.path)"
                )
            }
        }

        static func json(_ check: PluginFileCheck) -> JSONValue {
            let capabilities = check.capabilities
            return [
                "name": .string(check.plugin.name), "version": .string(check.plugin.version),
                "abi": .string("\(check.plugin.abiMajor).\(check.plugin.abiMinor)"),
                "toolchain": .string(check.plugin.toolchain), "path": .string(check.plugin.path),
                "toolchainWarning": .optional(check.toolchainWarning),
                "capabilities": [
                    "modelSwitch": .string(capabilities.modelSwitch.rawValue),
                    "models": capabilities.models.map { .array($0.map(JSONValue.string)) } ?? .null,
                    "canResume": .bool(capabilities.canResume), "canExport": .bool(capabilities.canExport),
                    "canImport": .bool(capabilities.canImport), "canFork": .bool(capabilities.canFork),
                    "canReplace": .bool(capabilities.canReplace),
                ],
            ]
        }
    }

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check a plugin file, then copy it (mode 0755) into the workspace's plugin directory or the user's.",
            discussion: """
                By default the file goes into the workspace's plugin directory: the first of plugins.paths, \
                <workspace>/.agentws/plugins unless configured otherwise (--workspace DIR names the \
                workspace; default the nearest). --user copies into $XDG_DATA_HOME/agentws/plugins \
                (~/.local/share/agentws/plugins), which every workspace searches after its own. A file of \
                the same name there is replaced.
                """
        )

        @Argument(help: "The plugin's shared object.") var file: String
        @Flag(help: "Install for this user, for every workspace.") var user = false
        @OptionGroup var workspaceOptions: WorkspaceOptions

        mutating func run() async throws {
            let (file, user, options) = (file, user, workspaceOptions)
            try await reportingFailures {
                let source = absolute(file)
                let destination: String
                if user {
                    guard let directory = PluginSearchPath.userPluginDirectory() else {
                        throw AgentwsError(.failure, "neither XDG_DATA_HOME nor HOME is an absolute path")
                    }
                    destination = directory
                } else {
                    let context = try CommandContext.open(options)
                    guard let first = context.configuration.plugins.paths.first else {
                        throw AgentwsError(
                            .invalidData,
                            "plugins.paths is empty in this workspace's configuration; add a directory or use --user"
                        )
                    }
                    destination = first.hasPrefix("/") ? first : context.workspace.root + "/" + first
                }
                let check = try await checked(source)
                guard let bytes = try FileIO.readIfPresent(source) else {
                    throw AgentwsError(.notFound, "\(source) disappeared while it was checked")
                }
                try FileIO.makeDirectories(destination, mode: 0o755)
                let fileName = (source as NSString).lastPathComponent
                try AtomicFile.replace(bytes, directory: destination, fileName: fileName, mode: 0o755)
                Terminal.line(
                    "installed plugin \(check.plugin.name) \(check.plugin.version) as \(destination)/\(fileName)"
                )
            }
        }
    }

    struct Header: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the plugin ABI header, agentws_provider.h (with --path, where it is).")

        @Flag(help: "Print the header's path instead of its text.") var path = false

        mutating func run() async throws {
            let path = path
            try await reportingFailures {
                let kit = try PluginKitLocation.locate()
                if path {
                    Terminal.line(kit.header)
                    return
                }
                guard let bytes = try FileIO.readIfPresent(kit.header) else {
                    throw AgentwsError(
                        .notFound, "the plugin kit at \(kit.root) has no \(kit.header); reinstall agentws")
                }
                Terminal.out(String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}

/// `path` made absolute against the working directory.
private func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
}

/// Runs `PluginFileCheck` on `path` in a scratch directory: in a plugin host (a child
/// `agentws-plugin-host`, docs/plugin-abi.md §13), so a plugin that crashes is reported rather than
/// taking the check with it; in this process only when this executable cannot be found. The scratch
/// directory is removed afterwards unless the failure's message points into it (a dead host's "full
/// log: …"): the author is told to read that log, so it must still be there.
private func checked(_ path: String) async throws -> PluginFileCheck {
    guard FileIO.exists(path) else { throw AgentwsError(.notFound, "\(path): no such file") }
    let scratch = try TemporaryScratch()
    var logger = Logger(label: "agentws.plugin-check")
    logger.logLevel = .warning
    do {
        let check: PluginFileCheck
        if let settings = PluginHostSettings.forThisProgram() {
            check = try await PluginFileCheck.runIsolated(
                path: path, instanceName: "check", scratch: scratch.path, settings: settings, logger: logger)
        } else {
            check = try await PluginFileCheck.run(
                path: path, instanceName: "check", scratch: scratch.path, logger: logger)
        }
        scratch.remove()
        return check
    } catch {
        if !"\(error)".contains(scratch.path + "/") { scratch.remove() }
        throw error
    }
}

/// A private temporary directory for a checked plugin's workspace and state.
private struct TemporaryScratch {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/agentws-plugin-check-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw AgentwsError(
                .failure, "cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
