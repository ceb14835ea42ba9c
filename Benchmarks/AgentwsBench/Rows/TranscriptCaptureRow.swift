import AgentwsCore
import AgentwsPlugins
import AgentwsStorage
import AgentwsSystem
import Logging

/// Row 14: what capturing a transcript at a stop costs (SPEC §11), against the floor's durable write of
/// the same bytes. A capture asks the plugin to export the conversation to a scratch file, reads it,
/// hashes it (SHA-256), compares it with the manifest held, and when it changed writes the transcript
/// and the manifest durably and removes the old file. The echo plugin, through the ABI as the product
/// loads it, with a conversation grown to its 20-message limit.
enum TranscriptCaptureRow {
    struct Resolver: ProviderResolver {
        let provider: any Provider
        func provider(named name: String) async throws -> any Provider { provider }
    }

    static func run(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(number: 14, title: "transcript capture at stop (echo) vs the floor's write")
        let base = settings.scratch + "/row9"
        let pluginDirectory = base + "/plugins"
        try Files.makeDirectories(pluginDirectory)
        guard let library = Files.read(settings.buildDirectory + "/libAgentwsEcho.so") else {
            throw BenchError("\(settings.buildDirectory)/libAgentwsEcho.so is missing; build AgentwsEcho")
        }
        try Files.write(library, to: pluginDirectory + "/libAgentwsEcho.so")
        let quiet = Logger(label: "agentws-bench") { _ in SwiftLogNoOpLogHandler() }
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [pluginDirectory]), logger: quiet)
        guard let plugin = catalog.plugin(named: "echo") else {
            throw BenchError("the echo plugin was not loaded: \(catalog.refused.map(\.description))")
        }
        for messageSize in settings.quick ? [1_000] : [1_000, 50_000] {
            try await measure(
                messageSize: messageSize, base: base + "/\(messageSize)", plugin: plugin, logger: quiet,
                settings: settings, into: &report)
        }
        report.notes.append(
            "a changed capture: export through the ABI to state/scratch (echo writes its conversation file "
                + "durably there), read, SHA-256, compare, write transcript-<hash>.json and manifest.json "
                + "(each temporary file, fsync, rename, fsync of the directory), remove the old file; an "
                + "unchanged capture stops after the compare. The floor: one durable replace of the same "
                + "bytes (FloorWriter). Captures of codex are not measured here: they are dominated by "
                + "starting a codex app-server for thread/read, which this row cannot do without the test "
                + "agents and their model mock")
        return report
    }

    private static func measure(
        messageSize: Int, base: String, plugin: LoadedPlugin, logger: Logger, settings: Settings,
        into report: inout RowReport
    ) async throws {
        let report9 = try WorkspaceInitializer.initialize(at: base + "/workspace")
        let workspace = report9.workspace
        let provider = try PluginProvider(
            plugin: plugin,
            configuration: PluginProviderConfiguration(
                instanceName: "echo", options: .object([:]), workspace: workspace.root),
            logger: logger)
        let thread = try ThreadID("bench")
        let session = try await provider.start(
            SessionStartRequest(
                thread: thread, cwd: workspace.root, model: nil, runtimeMode: nil, resumeCursor: nil),
            events: { _ in })
        let message = String(repeating: "m", count: messageSize)
        for _ in 0..<12 { _ = try await session.send(TurnRequest(text: message)) }
        guard let cursor = session.cursor else { throw BenchError("echo answered no cursor") }
        try await session.stop()

        let store = try FileThreadStore(workspace: workspace)
        let transcripts = FileTranscriptStore(workspace: workspace)
        var configuration = Configuration.defaults
        configuration.transcripts.maxSize = .mebibytes(1024)
        let service = SessionService(
            store: store, providers: Resolver(provider: provider), configuration: configuration,
            workspaceRoot: workspace.root, residency: .oneShot,
            wallClock: { UTCDateTime(secondsSinceEpoch: 0) },
            transcripts: transcripts)
        let binding = Binding(
            threadID: thread, provider: "echo", model: nil, resumeCursor: cursor,
            createdAt: UTCDateTime(secondsSinceEpoch: 0))
        guard case .written(let size) = await service.captureTranscript(thread, conversation: binding),
            let held = try transcripts.readHeld(thread)
        else { throw BenchError("the first capture wrote nothing") }
        let floorDirectory = base + "/floor"
        try Files.makeDirectories(floorDirectory)
        let floor = try FloorWriter(directory: floorDirectory)

        let changed = Contender(name: "capture (changed)") { _ in
            // Forget the held one (not timed), so that the capture finds new content and writes.
            _ = try transcripts.removeHeld(thread)
            return try await MonotonicTime.measure {
                guard case .written = await service.captureTranscript(thread, conversation: binding) else {
                    throw BenchError("a changed capture did not write")
                }
            }
        }
        let unchanged = Contender(name: "capture (unchanged)") { _ in
            try await MonotonicTime.measure {
                guard case .unchanged = await service.captureTranscript(thread, conversation: binding) else {
                    throw BenchError("an unchanged capture wrote")
                }
            }
        }
        let floorWrite = Contender(name: "floor") { _ in
            try MonotonicTime.measure { try floor.replace("transcript", with: held.bytes) }
        }
        let pieces = settings.quick ? 3 : 10
        var times: [[Double]] = [[], [], []]
        _ = try await alternate(pieces: 1, [changed, floorWrite])
        for round in 0..<settings.rounds(5) {
            let totals = try await alternate(pieces: pieces, round: round, [changed, floorWrite])
            // The unchanged capture needs the held transcript in place: after the changed ones.
            let same = try await alternate(pieces: pieces, round: round, [unchanged])
            times[0].append(Double(totals[0]) / Double(pieces) / 1_000)
            times[1].append(Double(totals[1]) / Double(pieces) / 1_000)
            times[2].append(Double(same[0]) / Double(pieces) / 1_000)
        }
        guard Files.read(floorDirectory + "/transcript") == held.bytes else {
            throw BenchError("the floor wrote other bytes than the transcript")
        }
        report.checks.append(
            "\(ConfigByteSize(bytes: size).approximate) echo transcript: every changed capture wrote it, every unchanged one wrote nothing, the floor wrote the same bytes"
        )
        let label = "\(ConfigByteSize(bytes: size).approximate) transcript"
        report.lines.append(
            ResultLine(
                label: "capture at stop, changed, \(label)", value: Summary(times[0]), unit: .microseconds,
                ratio: Ratio(baseline: "floor write", value: Summary.ratios(times[0], times[1]), target: nil))
        )
        report.lines.append(
            ResultLine(
                label: "capture at stop, unchanged, \(label)", value: Summary(times[2]), unit: .microseconds,
                ratio: Ratio(baseline: "floor write", value: Summary.ratios(times[2], times[1]), target: nil))
        )
        report.lines.append(
            ResultLine(
                label: "floor write of the same bytes, \(label)", value: Summary(times[1]),
                unit: .microseconds))
    }
}
