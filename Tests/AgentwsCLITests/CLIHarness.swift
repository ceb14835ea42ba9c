import AgentwsSystem
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
    private let temporary: TemporaryDirectory
    var environment: [String: String]
    /// The daemon the harness started (mode `.daemon`).
    private(set) var daemon: RunningCommand?
    /// Every daemon this harness ever started, so that `remove()` leaves none running behind it.
    private let startedDaemons = Locked<[RunningCommand]>([])

    /// A fresh temporary directory, initialised as a workspace unless `initialise` is false; with
    /// mode `.daemon`, a daemon serves it (stopped by `remove()`).
    init(initialise: Bool = true, config: String? = nil, mode: Mode = .inProcess) throws {
        _ = try BuildProducts.executable("agentws")
        // 0755: the socket tests connect as another user, who must reach the socket's directory.
        temporary = try TemporaryDirectory(prefix: "agentws-cli", mode: 0o755)
        root = temporary.path
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
    func startDaemon() throws -> RunningCommand {
        let daemon = try start(["serve"])
        startedDaemons.withLock { $0.append(daemon) }
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
        for daemon in startedDaemons.withLock({ $0 }) where daemon.isRunning {
            daemon.signal(SIGTERM)
            _ = daemon.finish()
        }
        temporary.remove()
    }

    var socketPath: String { path(".agentws/state/agentws.sock") }

    var daemonLog: String { read(".agentws/state/logs/daemon.log") ?? "" }

    typealias Result = ProcessOutcome

    /// Runs `agentws ARGUMENTS` in the workspace root and waits for it.
    @discardableResult
    func run(_ arguments: String..., in directory: String? = nil) throws -> Result {
        try start(arguments, in: directory).finish()
    }

    /// Starts `agentws ARGUMENTS` without waiting.
    func start(_ arguments: [String], in directory: String? = nil) throws -> RunningCommand {
        try RunningCommand(arguments, directory: directory ?? root, environment: environment)
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

extension ProcessOutcome {
    @discardableResult
    func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) -> ProcessOutcome {
        #expect(status == 0, "\(self)", sourceLocation: sourceLocation)
        return self
    }

    func expectExit(_ code: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == code, "\(self)", sourceLocation: sourceLocation)
    }
}
