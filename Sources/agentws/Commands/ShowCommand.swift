import AgentwsACP
import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsStorage
import ArgumentParser
import Foundation

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one thread: its binding and live state.")

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The thread id.")
    var thread: String

    mutating func run() async throws {
        let options = workspaceOptions
        let json = output.json
        let text = thread
        try await reportingFailures(json: json) {
            let thread = try ThreadID(text)
            let workspace = try CommandContext.locate(options)
            let collected = Collected<ThreadReport>()
            var loaded: CommandContext?
            try await SessionRoute.run(workspace, options: options) { daemon in
                let result = try await daemon.call(ACPMethod.show, ["thread": .string(thread.rawValue)])
                collected.set(try ThreadReport(json: result["thread"] ?? .null))
            } local: { context in
                loaded = context
                let service = context.makeService(residency: .oneShot, store: try context.openStore())
                collected.set(ThreadReport(try await service.show(thread)))
            }
            guard let report = collected.value else { return }
            var plugin: (text: String, problem: String?)?
            if let binding = report.binding {
                // Through the daemon the configuration was not needed so far; the plugin line needs it.
                do {
                    let context = try loaded ?? CommandContext.open(workspace, options: options)
                    plugin = await Self.plugin(context, provider: binding.provider)
                } catch {
                    plugin = ("- (the configuration cannot be read in this shell: \(error))", nil)
                }
            }
            let transcript = report.binding.map {
                TranscriptReport(workspace: workspace, binding: $0, runtime: report.runtime)
            }
            if json {
                var shown = report.json
                if case .object(var members) = shown {
                    if let problem = plugin?.problem { members["pluginProblem"] = .string(problem) }
                    members["transcript"] = transcript?.json ?? .null
                    shown = .object(members)
                }
                Terminal.json(shown)
                return
            }
            guard let binding = report.binding else { return }
            let rows: [(String, String)] = [
                ("thread", binding.threadID.rawValue),
                ("provider", binding.provider),
                ("plugin", plugin?.text ?? "-"),
                ("model", binding.model ?? "(provider default)"),
                ("status", report.state?.name ?? "-"),
                (
                    "cursor",
                    binding.resumeCursor.map { JSONWriter.compactString($0) }
                        ?? "none (next send starts a fresh conversation)"
                ),
                ("cwd", binding.cwd),
                ("runtime mode", binding.runtimeMode ?? "-"),
                ("parent", StatusFormatting.parentText(binding, exists: report.parentExists)),
                ("children", report.children.isEmpty ? "-" : report.children.joined(separator: ", ")),
                ("created", binding.createdAt.description),
                ("last error", report.state?.errorText ?? "-"),
                ("live", StatusFormatting.liveText(report.liveness)),
                ("last stop", StatusFormatting.lastStopText(report.runtime)),
                ("transcript", transcript?.text ?? "-"),
                ("file", fileText(workspace, thread, schema: report.fileSchemaVersion)),
            ]
            for (key, value) in rows {
                Terminal.line(key.padding(toLength: 13, withPad: " ", startingAt: 0) + value)
            }
        }
    }

    /// The plugin behind `provider`, as "name version (path)", or why it cannot be loaded (also as
    /// `problem`): a configured plugin that is not found names the refused files (docs/plugin-abi.md §2).
    private static func plugin(_ context: CommandContext, provider: String) async -> (
        text: String, problem: String?
    ) {
        guard let settings = context.configuration.providers[provider] else {
            let problem = "provider '\(provider)' is not configured"
            return ("- (\(problem))", problem)
        }
        let catalog = await context.discoverPlugins()
        guard let plugin = catalog.plugin(named: settings.plugin) else {
            let problem = catalog.missingPluginMessage(provider: provider, plugin: settings.plugin)
            return ("\(settings.plugin): unavailable: \(problem)", problem)
        }
        return ("\(plugin.name) \(plugin.version) (\(plugin.path))", nil)
    }

    /// The binding file's path, with a note when it is in an older or newer schema.
    private func fileText(_ workspace: Workspace, _ thread: ThreadID, schema: Int64?) -> String {
        let path = workspace.relativePath(of: workspace.bindingPath(thread)) ?? ""
        guard let schema, schema != Binding.currentSchemaVersion else { return path }
        if schema < Binding.currentSchemaVersion {
            return path + " (schema \(schema): rewritten on its next change, or now by 'agentws migrate')"
        }
        return path + " (schema \(schema), newer than this agentws: read-only)"
    }
}
