import AgentwsCore
import AgentwsJSON
import AgentwsPlugins
import AgentwsStorage
import AgentwsSystem
import Logging

/// Row 14: what capturing a transcript at a stop costs (SPEC §11), against the floor's durable write of
/// the same bytes. A capture asks the plugin to export the conversation to a scratch file, reads it,
/// hashes it (SHA-256), compares it with the manifest held, and when it changed writes the transcript
/// and the manifest durably and removes the old file. The echo plugin (a conversation grown to its
/// 20-message limit) and the codex plugin (the real codex against the loopback mock, set up as rows
/// 9–11 do), each through the ABI as the product loads it; for codex also what its export costs codex
/// itself: a bare client's app-server start, `initialize`, `thread/read` and exit.
enum TranscriptCaptureRow {
    struct Resolver: ProviderResolver {
        let provider: any Provider
        func provider(named name: String) async throws -> any Provider { provider }
    }

    /// One provider whose captures are measured.
    struct Subject {
        let name: String
        let plugin: LoadedPlugin
        var options: JSONValue = .object([:])
        var model: String? = nil
        let turns: Int
        let messageSize: Int
        /// Pieces per round (a codex capture takes hundreds of milliseconds).
        let pieces: Int
        /// A further contender measured in the same rounds, given the conversation's cursor.
        var beside: ((JSONValue) throws -> Contender)? = nil
    }

    static func run(_ settings: Settings) async throws -> RowReport {
        var report = RowReport(
            number: 14, title: "transcript capture at stop (echo, codex) vs the floor's write")
        let base = settings.scratch + "/row14"
        let pluginDirectory = base + "/plugins"
        try Files.makeDirectories(pluginDirectory)
        for library in ["libAgentwsEcho.so", "libAgentwsCodex.so"] {
            guard let bytes = Files.read(settings.buildDirectory + "/" + library) else {
                throw BenchError("\(settings.buildDirectory)/\(library) is missing; build it in release mode")
            }
            try Files.write(bytes, to: pluginDirectory + "/" + library)
        }
        let quiet = Logger(label: "agentws-bench") { _ in SwiftLogNoOpLogHandler() }
        let catalog = PluginCatalog.discover(
            searchPath: PluginSearchPath(directories: [pluginDirectory]), logger: quiet)
        guard let echo = catalog.plugin(named: "echo"), let codex = catalog.plugin(named: "codex") else {
            throw BenchError(
                "the echo and codex plugins were not loaded: \(catalog.refused.map(\.description))")
        }
        try hashThroughput(settings, into: &report)
        for messageSize in settings.quick ? [1_000] : [1_000, 50_000] {
            let subject = Subject(
                name: "echo", plugin: echo, turns: 12, messageSize: messageSize,
                pieces: settings.quick ? 3 : 10)
            try await measure(
                subject, base: base + "/echo-\(messageSize)", logger: quiet, settings: settings, into: &report
            )
        }
        let (setup, mock) = try CodexSetup.start(root: base + "/codex")
        let bare = { (cursor: JSONValue) throws -> Contender in
            guard let thread = cursor["threadId"]?.stringValue else {
                throw BenchError("the codex cursor \(JSONWriter.compactString(cursor)) has no threadId")
            }
            return Contender(name: "bare thread/read") { _ in
                try await MonotonicTime.measure {
                    let client = try await BareCodexClient(setup, logPath: setup.root + "/bare-stderr.log")
                    try await client.read(thread)
                    await client.close()
                }
            }
        }
        let subject = Subject(
            name: "codex", plugin: codex, options: setup.options(process: "per-session"), model: "mock-model",
            turns: 8, messageSize: 2_000, pieces: settings.quick ? 2 : 4, beside: bare)
        try await measure(
            subject, base: base + "/codex-workspace", logger: quiet, settings: settings, into: &report)
        withExtendedLifetime(mock) {}
        report.notes.append(
            "a changed capture: export through the ABI to state/scratch, read, SHA-256, compare, write "
                + "transcript-<hash>.<ext> and manifest.json (each temporary file, fsync, rename, fsync of the "
                + "directory), remove the old file; an unchanged capture stops after the compare (the held file "
                + "is read and compared byte for byte, not hashed). echo's export writes its conversation file "
                + "durably; codex's starts a codex app-server, initialize, thread/read for the rollout's path, "
                + "stops it, copies the rollout durably. The floor: one durable replace of the same bytes "
                + "(FloorWriter). 'bare thread/read': the benchmark's own client starting codex app-server, "
                + "initialize, thread/read, end of input and exit: the part of a codex capture that is codex's"
        )
        return report
    }

    /// The SHA-256 every capture runs over the export, alone: MB/s (10^6 bytes per second) over a
    /// 16 MiB buffer in memory, hashed whole, per round. Checked against `sha256sum` once.
    private static func hashThroughput(_ settings: Settings, into report: inout RowReport) throws {
        let size = 16 << 20
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: size)
        for index in stride(from: 0, to: size, by: 8) {
            withUnsafeBytes(of: generator.next()) { word in
                for offset in 0..<8 { bytes[index + offset] = word[offset] }
            }
        }
        let path = settings.scratch + "/row14-sha256-input"
        try Files.write(bytes, to: path)
        let sum = try Spawn.run("/usr/bin/sha256sum", [path], captureOutput: true)
        guard sum.succeeded else { throw BenchError("sha256sum \(path) failed (exit \(sum.status))") }
        let expected = String(decoding: sum.output.prefix(64), as: UTF8.self)
        // Per round: MB/s over the wall-clock time and over the CPU time of the hashing thread (on a
        // shared machine the wall clock includes the time other processes had the core).
        var wallRates: [Double] = []
        var cpuRates: [Double] = []
        func threadCPU() -> UInt64 {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
        }
        for _ in 0..<settings.rounds(7) {
            var digest = ""
            let cpuStart = threadCPU()
            let nanoseconds = MonotonicTime.measure { digest = SHA256.hex(of: bytes) }
            let cpu = threadCPU() - cpuStart
            guard digest == expected else {
                throw BenchError("SHA256 answered \(digest) for \(path), sha256sum \(expected)")
            }
            wallRates.append(Double(size) / (Double(nanoseconds) / 1e9) / 1e6)
            cpuRates.append(Double(size) / (Double(cpu) / 1e9) / 1e6)
        }
        report.checks.append("SHA-256 of a 16 MiB random buffer: the same digest as sha256sum, every round")
        report.lines.append(
            ResultLine(
                label: "SHA-256 throughput, 16 MiB in memory, wall clock", value: Summary(wallRates),
                unit: .megabytesPerSecond, target: .atLeast(150)))
        report.lines.append(
            ResultLine(
                label: "SHA-256 throughput, 16 MiB in memory, thread CPU time", value: Summary(cpuRates),
                unit: .megabytesPerSecond))
    }

    private static func measure(
        _ subject: Subject, base: String, logger: Logger, settings: Settings, into report: inout RowReport
    ) async throws {
        let initialized = try WorkspaceInitializer.initialize(at: base + "/workspace")
        let workspace = initialized.workspace
        let provider = try PluginProvider(
            plugin: subject.plugin,
            configuration: PluginProviderConfiguration(
                instanceName: subject.name, options: subject.options, workspace: workspace.root),
            logger: logger)
        let thread = try ThreadID("bench")
        let session = try await provider.start(
            SessionStartRequest(
                thread: thread, cwd: workspace.root, model: subject.model, runtimeMode: nil, resumeCursor: nil
            ),
            events: { _ in })
        let message = String(repeating: "m", count: subject.messageSize)
        for _ in 0..<subject.turns { _ = try await session.send(TurnRequest(text: message)) }
        guard let cursor = session.cursor else { throw BenchError("\(subject.name) answered no cursor") }
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
            threadID: thread, provider: subject.name, model: subject.model, resumeCursor: cursor,
            createdAt: UTCDateTime(secondsSinceEpoch: 0))
        let first = await service.captureTranscript(thread, conversation: binding)
        guard case .written(let size) = first, let held = try transcripts.readHeld(thread) else {
            throw BenchError("the first \(subject.name) capture wrote nothing: \(first)")
        }
        let floorDirectory = base + "/floor"
        try Files.makeDirectories(floorDirectory)
        let floor = try FloorWriter(directory: floorDirectory)

        let changed = Contender(name: "capture (changed)") { _ in
            // Forget the held one (not timed), so that the capture finds new content and writes.
            _ = try transcripts.removeHeld(thread)
            return try await MonotonicTime.measure {
                let outcome = await service.captureTranscript(thread, conversation: binding)
                guard case .written = outcome else { throw BenchError("a changed capture: \(outcome)") }
            }
        }
        let unchanged = Contender(name: "capture (unchanged)") { _ in
            try await MonotonicTime.measure {
                let outcome = await service.captureTranscript(thread, conversation: binding)
                guard case .unchanged = outcome else { throw BenchError("an unchanged capture: \(outcome)") }
            }
        }
        let floorWrite = Contender(name: "floor") { _ in
            try MonotonicTime.measure { try floor.replace("transcript", with: held.bytes) }
        }
        var contenders = [changed, floorWrite]
        if let beside = subject.beside { contenders.append(try beside(cursor)) }
        let pieces = subject.pieces
        // times[contender] then the unchanged capture last: milliseconds per piece, per round.
        var times = [[Double]](repeating: [], count: contenders.count + 1)
        _ = try await alternate(pieces: 1, contenders)
        for round in 0..<settings.rounds(5) {
            let totals = try await alternate(pieces: pieces, round: round, contenders)
            // The unchanged capture needs the held transcript in place: after the changed ones.
            let same = try await alternate(pieces: pieces, round: round, [unchanged])
            for (index, total) in (totals + same).enumerated() {
                times[index].append(Double(total) / Double(pieces) / 1_000)
            }
        }
        guard Files.read(floorDirectory + "/transcript") == held.bytes else {
            throw BenchError("the floor wrote other bytes than the transcript")
        }
        let label = "\(subject.name) \(ConfigByteSize(bytes: size).approximate) transcript"
        report.checks.append(
            "\(label): every changed capture wrote it, every unchanged one wrote nothing, the floor wrote the same bytes"
        )
        let floorTimes = times[1]
        report.lines.append(
            ResultLine(
                label: "capture at stop, changed, \(label)", value: Summary(times[0]), unit: .microseconds,
                ratio: Ratio(
                    baseline: "floor write", value: Summary.ratios(times[0], floorTimes), target: nil)))
        report.lines.append(
            ResultLine(
                label: "capture at stop, unchanged, \(label)", value: Summary(times[contenders.count]),
                unit: .microseconds,
                ratio: Ratio(
                    baseline: "floor write", value: Summary.ratios(times[contenders.count], floorTimes),
                    target: nil)))
        report.lines.append(
            ResultLine(
                label: "floor write of the same bytes, \(label)", value: Summary(floorTimes),
                unit: .microseconds))
        if contenders.count > 2 {
            report.lines.append(
                ResultLine(
                    label: "bare codex app-server start + thread/read + exit", value: Summary(times[2]),
                    unit: .microseconds,
                    ratio: Ratio(
                        baseline: "floor write", value: Summary.ratios(times[2], floorTimes), target: nil)))
        }
    }
}
