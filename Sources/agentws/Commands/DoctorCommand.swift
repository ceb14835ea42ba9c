import AgentwsConfig
import AgentwsCore
import AgentwsPlugins
import AgentwsStorage
import ArgumentParser
import Foundation

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, the plugins and every binding; exit non-zero on problems.")

    @OptionGroup var workspaceOptions: WorkspaceOptions

    mutating func run() async throws {
        let options = workspaceOptions
        try await reportingFailures {
            let workspace = try Workspace.locate(
                explicit: options.workspace, environment: CommandContext.environment,
                currentDirectory: CommandContext.currentDirectory)
            Terminal.line("workspace \(workspace.root)")
            var problems = 0
            func problem(_ text: String) {
                problems += 1
                Terminal.line("  ✗ " + text)
            }
            var warnings = 0
            func warnAboutCredentials() {
                for warning in Self.credentialWarnings(workspace: workspace) {
                    warnings += 1
                    Terminal.line("  ⚠ " + warning)
                }
            }

            Terminal.line("configuration")
            let loaded: LoadedConfiguration
            do {
                loaded = try CommandContext.loadConfiguration(workspace: workspace, options: options)
                Terminal.line("  ✓ valid (\(loaded.configuration.providers.count) provider instances)")
            } catch let error as ConfigurationError {
                for diagnostic in error.diagnostics { problem(diagnostic.description) }
                warnAboutCredentials()
                Terminal.line("plugins and bindings were not checked: fix the configuration first")
                throw ExitCode(ErrorCategory.invalidData.exitCode)
            }
            warnAboutCredentials()
            let context = CommandContext(workspace: workspace, loaded: loaded)

            Terminal.line("plugins")
            // Each file examined, and each instance created, in a plugin host of its own: a plugin
            // that crashes or exits is reported, and the others are still checked.
            let providers = context.makeProviders(isolation: .process)
            let catalog = await providers.catalog()
            for plugin in catalog.loaded {
                Terminal.line(
                    "  ✓ \(plugin.name) \(plugin.version) (ABI \(plugin.abiMajor).\(plugin.abiMinor)) \(plugin.path)"
                )
            }
            for refusal in catalog.refused { problem(refusal.description) }
            for (name, settings) in loaded.configuration.providers.sorted(by: { $0.key < $1.key })
            where catalog.plugin(named: settings.plugin) == nil {
                problem(
                    "provider '\(name)' needs plugin '\(settings.plugin)', which is not on the plugin search path (\(loaded.origin(of: "providers.\(name).plugin")))"
                )
            }
            Terminal.line("provider instances")
            for (name, settings) in loaded.configuration.providers.sorted(by: { $0.key < $1.key })
            where catalog.plugin(named: settings.plugin) != nil {
                do {
                    let provider = try await providers.provider(named: name)
                    _ = try await provider.describe()
                    Terminal.line("  ✓ \(name) (plugin \(settings.plugin)) created")
                } catch {
                    problem("provider '\(name)' (plugin \(settings.plugin)) cannot be created: \(error)")
                }
            }

            Terminal.line("bindings")
            let store = try BindingStore.open(workspace)
            var good = 0
            for listing in try store.list() {
                switch listing {
                case .unreadable(_, let error): problem(error.description)
                case .binding(let binding):
                    if loaded.configuration.providers[binding.provider] == nil {
                        problem(
                            "\(workspace.bindingPath(binding.threadID)): provider '\(binding.provider)' is not configured; add it under 'providers:' or unbind the thread"
                        )
                    } else if binding.schemaVersion > Binding.currentSchemaVersion {
                        problem(
                            "\(workspace.bindingPath(binding.threadID)): schema version \(binding.schemaVersion) is newer than this agentws; it can be read but not changed"
                        )
                    } else {
                        good += 1
                    }
                }
            }
            Terminal.line("  ✓ \(good) binding\(good == 1 ? "" : "s") valid")
            Terminal.line("transcripts (mode \(loaded.configuration.transcripts.mode.rawValue))")
            let runtime = FileThreadStore.runtimeReader(workspace)
            var held = 0
            for listing in try store.list() {
                guard case .binding(let binding) = listing else { continue }
                let report = TranscriptReport(
                    workspace: workspace, binding: binding, runtime: runtime(binding.threadID))
                if let issue = report.problem {
                    problem("thread \(binding.threadID): transcript \(issue)")
                } else if report.held {
                    held += 1
                    Terminal.line("  ✓ thread \(binding.threadID): \(report.text)")
                    // Capture writes a new hash-named file: `git commit -a` takes the manifest's change
                    // but not the new file, and the commit then names a transcript it lacks.
                    if loaded.configuration.transcripts.mode == .commit, !report.trackedByGit,
                        GitRepository.tracks(workspace.bindingPath(binding.threadID))
                    {
                        Terminal.line(
                            "  ⚠ thread \(binding.threadID): its binding is tracked by git but its transcript file is not, so a commit would share the thread without its conversation; run 'git add .agentws/transcripts' ('git commit -a' does not add new files)"
                        )
                        warnings += 1
                    }
                } else if let note = report.note {
                    Terminal.line("  - thread \(binding.threadID): no transcript (\(note))")
                }
            }
            for name in FileTranscriptStore(workspace: workspace).heldThreads()
            where (try? ThreadID(name)).flatMap({ try? store.read($0) }) == nil {
                Terminal.line(
                    "  ⚠ transcripts/\(name)/ belongs to no bound thread; remove it, or import the thread it is for"
                )
                warnings += 1
            }
            Terminal.line("  ✓ \(held) transcript\(held == 1 ? "" : "s") match their manifests")
            let ignores = TranscriptIgnore.ignoresTranscripts(workspace)
            if loaded.configuration.transcripts.mode == .commit, ignores {
                problem(
                    ".agentws/.gitignore ignores transcripts/ but transcripts.mode is commit; any agentws send or stop fixes it"
                )
            }
            if let repository = GitRepository.containing(workspace.root) {
                Terminal.line("git")
                if let issue = MergeDriverSetup.problem(workspaceRoot: workspace.root, repository: repository)
                {
                    problem(issue)
                } else {
                    Terminal.line(
                        "  ✓ binding merges: "
                            + (MergeDriverSetup.attribute(in: workspace.root) == nil
                                ? "text merges (no merge=agentws attribute; 'agentws init' adds it)"
                                : "the agentws merge driver"))
                }
            }
            let warned = warnings == 0 ? "" : " (\(warnings) warning\(warnings == 1 ? "" : "s"))"
            if problems > 0 {
                Terminal.line("\(problems) problem\(problems == 1 ? "" : "s") found\(warned)")
                throw ExitCode(ErrorCategory.invalidData.exitCode)
            }
            Terminal.line("no problems found\(warned)")
        }
    }

    /// A warning for every value that looks like a literal credential in a configuration file (user
    /// or workspace) that git tracks (docs/configuration.md, "Credentials in tracked files"). The
    /// value itself is never part of the text. Untracked files are not looked at.
    static func credentialWarnings(workspace: Workspace) -> [String] {
        let environment = CommandContext.environment
        let paths = [
            ConfigurationLoader.userConfigPath(environment: environment),
            ConfigurationLoader.workspaceConfigPath(workspaceRoot: workspace.root),
        ].compactMap { $0 }
        var warnings: [String] = []
        for path in paths where FileManager.default.fileExists(atPath: path) && GitRepository.tracks(path) {
            for finding in CredentialScanner.findings(inFileAt: path) {
                warnings.append(
                    "\(path):\(finding.line):\(finding.column): \(finding.key) looks like a literal credential "
                        + "(\(finding.reason)), in a file git tracks: everyone with the repository can read it. "
                        + "Move it to an environment variable and write ${\(finding.suggestedVariable)} instead "
                        + "(docs/configuration.md); rotate the credential, since it stays in the git history."
                )
            }
        }
        return warnings
    }
}
