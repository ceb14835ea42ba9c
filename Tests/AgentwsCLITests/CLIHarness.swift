import AgentwsTestSupport
import Foundation
import Testing

/// Runs the real `agentws` binary (built next to the test bundle) in a temporary workspace.
struct CLIHarness {
    /// Where a harness's session commands run.
    enum Mode: String, CaseIterable, CustomTestStringConvertible {
        /// No daemon: every command owns its sessions while it runs.
        case inProcess
        /// `agentws serve` runs for the workspace; the commands go through it.
        case daemon

        var testDescription: String { rawValue }
    }

    let root: String
    var environment: [String: String]
    /// The daemon the harness started (mode `.daemon`).
    private(set) var daemon: RunningCLI?
    /// Every daemon this harness ever started, so that `remove()` leaves none running behind it.
    private let startedDaemons = StartedDaemons()

    /// A fresh temporary directory, initialised as a workspace unless `initialise` is false; with
    /// mode `.daemon`, a daemon serves it (stopped by `remove()`).
    init(initialise: Bool = true, config: String? = nil, mode: Mode = .inProcess) throws {
        _ = try BuildProducts.executable("agentws")
        root =
            FileManager.default.temporaryDirectory.path + "/agentws-cli-"
            + UUID().uuidString.lowercased().prefix(12)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        // Isolate from the developer's own configuration and plugins.
        environment["XDG_CONFIG_HOME"] = root + "/.xdg"
        environment["HOME"] = root + "/.home"
        for key in environment.keys where key.hasPrefix("AGENTWS_") { environment[key] = nil }
        self.environment = environment
        if initialise {
            try run("init").expectSuccess()
            if let config { try write(".agentws/config.yaml", config) }
        }
        if mode == .daemon { daemon = try startDaemon() }
    }

    /// Starts `agentws serve` and waits until it listens.
    func startDaemon() throws -> RunningCLI {
        let daemon = try start(["serve"])
        startedDaemons.add(daemon)
        try daemon.waitFor("serving \(root)")
        return daemon
    }

    /// Stops the harness's daemon (SIGTERM) and returns how it ended.
    @discardableResult
    mutating func stopDaemon() -> Result? {
        guard let daemon else { return nil }
        self.daemon = nil
        daemon.signal(SIGTERM)
        return daemon.finish()
    }

    func remove() {
        for daemon in startedDaemons.all where daemon.process.isRunning {
            daemon.signal(SIGTERM)
            _ = daemon.finish()
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    var socketPath: String { path(".agentws/state/agentws.sock") }

    var daemonLog: String { read(".agentws/state/logs/daemon.log") ?? "" }

    struct Result: CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String

        var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }

        @discardableResult
        func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) -> Result {
            #expect(status == 0, "\(self)", sourceLocation: sourceLocation)
            return self
        }

        func expectExit(_ code: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(status == code, "\(self)", sourceLocation: sourceLocation)
        }
    }

    /// Runs `agentws ARGUMENTS` in the workspace root and waits for it.
    @discardableResult
    func run(_ arguments: String..., in directory: String? = nil) throws -> Result {
        try start(arguments, in: directory).finish()
    }

    /// Starts `agentws ARGUMENTS` without waiting.
    func start(_ arguments: [String], in directory: String? = nil) throws -> RunningCLI {
        try RunningCLI(arguments: arguments, directory: directory ?? root, environment: environment)
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func read(_ relative: String) -> String? {
        FileManager.default.contents(atPath: path(relative)).map { String(decoding: $0, as: UTF8.self) }
    }

    func write(_ relative: String, _ content: String) throws {
        try Data(content.utf8).write(to: URL(fileURLWithPath: path(relative)))
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

    func binding(_ thread: String) -> String? { read(".agentws/bindings/\(thread).json") }

    /// Waits (up to `limit`) until a file in `directory` (relative to the root) contains `text`: used
    /// to know that a provider has taken a message in, not only that the session started.
    func waitForFile(in directory: String, containing text: String, limit: Duration = .seconds(30)) throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            // Only finished files: a temporary one (hidden, not yet renamed) may never become real.
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path(directory))) ?? [])
                .filter { !$0.hasPrefix(".") && $0.hasSuffix(".json") }
            if names.contains(where: { read(directory + "/" + $0)?.contains(text) == true }) { return }
            usleep(10_000)
        }
        throw TestFailure("no file in \(directory) came to contain \"\(text)\"")
    }

    /// What `agentws show --json` reports of the thread: `status` (live, stopped, error),
    /// `lastError`, `binding`, `runtime`, `live` — this machine's state, which is not in the file.
    func shown(_ thread: String) throws -> [String: Any] {
        let result = try run("show", "--json", thread).expectSuccess()
        return try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// The thread's state on this machine: live, stopped or error.
    func status(_ thread: String) throws -> String? { try shown(thread)["status"] as? String }

    /// The binding file parsed into a dictionary.
    func bindingFields(_ thread: String) throws -> [String: Any] {
        let text = try #require(binding(thread), "no binding for \(thread)")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

/// The daemons a harness started.
final class StartedDaemons: @unchecked Sendable {
    // @unchecked: `daemons` is only touched under `lock`.
    private let lock = NSLock()
    private var daemons: [RunningCLI] = []

    func add(_ daemon: RunningCLI) {
        lock.lock()
        daemons.append(daemon)
        lock.unlock()
    }

    var all: [RunningCLI] {
        lock.lock()
        defer { lock.unlock() }
        return daemons
    }
}

/// A running `agentws` process.
final class RunningCLI: @unchecked Sendable {
    // @unchecked: the pipes' buffers are only touched by the reader threads and then by finish().
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private var stdoutData = Data()
    private var stderrData = Data()
    private let group = DispatchGroup()
    private let lock = NSLock()

    init(arguments: [String], directory: String, environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: BuildProducts.agentws)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        drain(output.fileHandleForReading, isStandardError: false)
        drain(errors.fileHandleForReading, isStandardError: true)
    }

    private func drain(_ handle: FileHandle, isStandardError: Bool) {
        group.enter()
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                if isStandardError { stderrData.append(chunk) } else { stdoutData.append(chunk) }
                lock.unlock()
            }
            group.leave()
        }
    }

    var pid: Int32 { process.processIdentifier }

    var stderrSoFar: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrData, as: UTF8.self)
    }

    var stdoutSoFar: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stdoutData, as: UTF8.self)
    }

    /// Waits (up to `limit`) until stdout or stderr contains `text`.
    func waitFor(_ text: String, limit: Duration = .seconds(30)) throws {
        let deadline = ContinuousClock.now + limit
        while !stdoutSoFar.contains(text) && !stderrSoFar.contains(text) {
            if ContinuousClock.now > deadline
                || !process.isRunning && !(stdoutSoFar + stderrSoFar).contains(text)
            {
                if !process.isRunning { break }
                throw TestFailure(
                    "timed out waiting for \"\(text)\"; stdout: \(stdoutSoFar) stderr: \(stderrSoFar)")
            }
            usleep(10_000)
        }
        if !(stdoutSoFar + stderrSoFar).contains(text) {
            throw TestFailure(
                "the process ended without printing \"\(text)\"; stdout: \(stdoutSoFar) stderr: \(stderrSoFar)"
            )
        }
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    func finish() -> CLIHarness.Result {
        process.waitUntilExit()
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return CLIHarness.Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
