import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import ArgumentParser

struct ProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract:
            "List the plugins found (name, version, ABI, path), the configured provider instances with their capabilities, and refused plugins with the reason; exits 5 when any plugin file was refused."
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    mutating func run() async throws {
        let options = workspaceOptions
        let json = output.json
        try await reportingFailures(json: json) {
            let context = try CommandContext.open(options)
            // Every file examined and every instance created in a plugin host of its own: one
            // plugin that crashes shows as broken, and the others are still listed.
            let resolver = context.makeProviders(isolation: .process)
            let catalog = await resolver.catalog()
            let instances = await Self.describeInstances(
                configuration: context.configuration, resolver: resolver)
            // Exit status 5 (invalid data) when any file was refused, after the whole report: a
            // refused plugin is a broken installation, not a missing one (docs/plugin-abi.md §2).
            let refusedStatus = ExitCode(ErrorCategory.invalidData.exitCode)
            if json {
                Terminal.json(Self.json(catalog: catalog, instances: instances))
                if !catalog.refused.isEmpty { throw refusedStatus }
                return
            }
            Terminal.line("plugins")
            if catalog.loaded.isEmpty { Terminal.line("  (none found)") }
            Terminal.out(
                StatusFormatting.table(
                    ["  NAME", "VERSION", "ABI", "TOOLCHAIN", "FROM", "PATH"],
                    catalog.loaded.map {
                        [
                            "  " + $0.name, $0.version, "\($0.abiMajor).\($0.abiMinor)", $0.toolchain,
                            catalog.origin(of: $0), $0.path,
                        ]
                    }))
            Terminal.line("provider instances")
            for instance in instances {
                switch instance.result {
                case .success(let capabilities):
                    let models = capabilities.models?.joined(separator: ", ") ?? "any"
                    func yesNo(_ flag: Bool) -> String { flag ? "yes" : "no" }
                    let export = capabilities.transcriptFormat.map { "yes (\($0))" } ?? "no"
                    Terminal.line(
                        "  \(instance.name) (plugin \(instance.plugin)): modelSwitch \(capabilities.modelSwitch.rawValue), resume \(yesNo(capabilities.canResume)), export \(capabilities.canExport ? export : "no"), import \(yesNo(capabilities.canImport)), fork \(yesNo(capabilities.canFork)), replace \(yesNo(capabilities.canReplace)), models \(models)"
                    )
                case .failure(let error):
                    Terminal.line("  \(instance.name) (plugin \(instance.plugin)): unavailable: \(error)")
                }
            }
            if !catalog.refused.isEmpty {
                Terminal.line("refused")
                for refusal in catalog.refused { Terminal.line("  \(refusal.path): \(refusal.reason)") }
                throw refusedStatus
            }
        }
    }

    typealias Instance = (name: String, plugin: String, result: Result<ProviderCapabilities, any Error>)

    /// Every configured provider instance with its capabilities, or why it is unavailable.
    static func describeInstances(configuration: Configuration, resolver: ConfiguredProviders) async
        -> [Instance]
    {
        var instances: [Instance] = []
        for (name, settings) in configuration.providers.sorted(by: { $0.key < $1.key }) {
            do {
                let provider = try await resolver.provider(named: name)
                instances.append((name, settings.plugin, .success(try await provider.describe())))
            } catch {
                instances.append((name, settings.plugin, .failure(error)))
            }
        }
        return instances
    }

    /// What `providers --json` prints, for a resolver already in use (the daemon's `_agentws/providers`).
    static func report(configuration: Configuration, providers: ConfiguredProviders) async -> JSONValue {
        json(
            catalog: await providers.catalog(),
            instances: await describeInstances(configuration: configuration, resolver: providers))
    }

    static func json(
        catalog: PluginCatalog,
        instances: [Instance]
    ) -> JSONValue {
        [
            "plugins": .array(
                catalog.loaded.map {
                    [
                        "name": .string($0.name), "version": .string($0.version),
                        "abi": .string("\($0.abiMajor).\($0.abiMinor)"),
                        "toolchain": .string($0.toolchain), "path": .string($0.path),
                        "from": .string(catalog.origin(of: $0)),
                    ]
                }),
            "providers": .array(
                instances.map { instance in
                    var object: [String: JSONValue] = [
                        "name": .string(instance.name), "plugin": .string(instance.plugin),
                    ]
                    switch instance.result {
                    case .success(let capabilities):
                        object["capabilities"] = [
                            "modelSwitch": .string(capabilities.modelSwitch.rawValue),
                            "canResume": .bool(capabilities.canResume),
                            "canExport": .bool(capabilities.canExport),
                            "canImport": .bool(capabilities.canImport),
                            "canFork": .bool(capabilities.canFork),
                            "canReplace": .bool(capabilities.canReplace),
                            "transcriptFormat": .optional(capabilities.transcriptFormat),
                            "models": capabilities.models.map { .array($0.map(JSONValue.string)) } ?? .null,
                        ]
                    case .failure(let error):
                        object["error"] = .string("\(error)")
                    }
                    return .object(object)
                }),
            "refused": .array(
                catalog.refused.map { ["path": .string($0.path), "reason": .string($0.reason.description)] }),
        ]
    }
}
