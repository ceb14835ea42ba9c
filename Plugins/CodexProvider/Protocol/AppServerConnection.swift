import AgentwsJSON
import Glibc
import ProviderKit
import Synchronization

/// One `codex app-server` process, spoken to in its JSON-RPC dialect: one JSON object per line on
/// stdin and stdout, without the `"jsonrpc"` member (docs/providers/codex-protocol-notes.md §2).
///
/// A reader thread of its own reads stdout and stderr and hands every message, in order, to the
/// pending request it answers or to the handlers. Every request has a time limit, because codex
/// drops unknown methods and unparsable lines without a word.
final class AppServerConnection: Sendable {
    private struct Pending {
        let method: String
        let complete: @Sendable (Result<JSONValue, RPCFailure>) -> Void
        var timer: Task<Void, Never>?
    }

    private struct State {
        var nextID: Int64 = 0
        var pending: [Int64: Pending] = [:]
        var end: ProcessEnd?
    }

    let process: ChildProcess
    private let stderrLog: StderrLog
    private let handlers: ConnectionHandlers
    private let host: PluginHost
    private let requestTimeout: Duration
    private let state = Mutex(State())
    private let endedLatch = Latch()

    private init(
        process: ChildProcess, stderrLog: StderrLog, handlers: ConnectionHandlers, host: PluginHost,
        requestTimeout: Duration
    ) {
        self.process = process
        self.stderrLog = stderrLog
        self.handlers = handlers
        self.host = host
        self.requestTimeout = requestTimeout
    }

    /// Spawns the process and starts reading it.
    static func launch(
        _ launch: LaunchPlan, logPath: String, handlers: ConnectionHandlers, host: PluginHost,
        requestTimeout: Duration
    ) throws(SystemError) -> AppServerConnection {
        let process = try ChildProcess.spawn(
            executable: launch.executable, arguments: launch.arguments, environment: launch.environment,
            directory: launch.directory)
        let log = StderrLog(
            path: logPath, pid: process.pid,
            header: "started \(launch.arguments.joined(separator: " ")) for \(launch.purpose)")
        let connection = AppServerConnection(
            process: process, stderrLog: log, handlers: handlers, host: host, requestTimeout: requestTimeout)
        do {
            try DetachedThread.start { connection.readUntilEnd() }
        } catch {
            // Without a reader nobody would ever see the process again: end it now.
            process.closeInput()
            process.signalGroup(SIGKILL)
            _ = process.waitAndReap()
            log.finish(footer: "killed: \(error)")
            close(process.standardOutput)
            close(process.standardError)
            throw error
        }
        return connection
    }

    // MARK: requests

    /// Sends a request and waits for its result.
    func request(_ method: String, _ params: JSONValue) async throws(RPCFailure) -> JSONValue {
        let result = await withCheckedContinuation { continuation in
            send(method, params) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Sends a request; `complete` runs exactly once, with the result or the reason there is none.
    func send(
        _ method: String, _ params: JSONValue,
        complete: @escaping @Sendable (Result<JSONValue, RPCFailure>) -> Void
    ) {
        let registered = state.withLock { state -> (id: Int64?, end: ProcessEnd?) in
            if let end = state.end { return (nil, end) }
            state.nextID += 1
            state.pending[state.nextID] = Pending(method: method, complete: complete, timer: nil)
            return (state.nextID, nil)
        }
        guard let id = registered.id else {
            if let end = registered.end { complete(.failure(.ended(method: method, end))) }
            return
        }
        let limit = requestTimeout
        let timer = Task { [weak self] in
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            self?.finish(id, .failure(.timedOut(method: method, limit: limit)))
        }
        let kept = state.withLock { state -> Bool in
            guard state.pending[id] != nil else { return false }
            state.pending[id]?.timer = timer
            return true
        }
        if !kept { timer.cancel() }
        do {
            try write(["id": .integer(id), "method": .string(method), "params": params])
        } catch {
            finish(id, .failure(.unwritable(method: method, error)))
        }
    }

    /// Sends a notification (no answer expected).
    func notify(_ method: String) throws(SystemError) {
        try write(["method": .string(method)])
    }

    private func finish(_ id: Int64, _ result: Result<JSONValue, RPCFailure>) {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: id) }) else { return }
        pending.timer?.cancel()
        pending.complete(result)
    }

    private func write(_ message: JSONValue) throws(SystemError) {
        try process.write(JSONWriter.compact(message) + [UInt8(ascii: "\n")])
    }

    // MARK: lifetime

    /// Whether the process has ended (and everything it wrote has been handled).
    var hasEnded: Bool { endedLatch.isOpen }

    /// Waits until the process has ended and its output is handled; false if `limit` passed first.
    func waitUntilEnded(atMost limit: Duration) async -> Bool {
        await endedLatch.wait(atMost: limit)
    }

    /// Ends the process: end of input first, which codex answers by exiting at once; then SIGTERM,
    /// then SIGKILL, each after `grace` without an exit.
    func terminate(grace: Duration) async {
        process.closeInput()
        if await waitUntilEnded(atMost: grace) { return }
        host.log(.warning, "codex (pid \(process.pid)) did not exit on end of input; sending SIGTERM")
        process.signalGroup(SIGTERM)
        if await waitUntilEnded(atMost: grace) { return }
        host.log(.warning, "codex (pid \(process.pid)) ignored SIGTERM; sending SIGKILL")
        process.signalGroup(SIGKILL)
        _ = await waitUntilEnded(atMost: grace)
    }

    // MARK: reading (on the reader thread)

    private func readUntilEnd() {
        var splitter = LineSplitter()
        var descriptors = [
            pollfd(fd: process.standardOutput, events: Int16(POLLIN), revents: 0),
            pollfd(fd: process.standardError, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var exitNoticed: ContinuousClock.Instant?
        while descriptors.contains(where: { $0.fd >= 0 }) {
            let ready = poll(&descriptors, nfds_t(descriptors.count), 250)
            if ready < 0 {
                if errno == EINTR { continue }
                host.log(.error, "codex (pid \(process.pid)): poll failed: \(SystemError("poll"))")
                break
            }
            if ready == 0 {
                // A grandchild that inherited codex's stdout or stderr can keep them open after codex
                // itself is gone; do not wait for it forever.
                if process.hasExited {
                    let now = ContinuousClock.now
                    if let noticed = exitNoticed, now - noticed > .seconds(1) { break }
                    exitNoticed = exitNoticed ?? now
                }
                continue
            }
            for index in descriptors.indices
            where descriptors[index].fd >= 0 && descriptors[index].revents != 0 {
                let descriptor = descriptors[index].fd
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    descriptors[index].fd = -1
                    continue
                }
                buffer.withUnsafeBytes { bytes in
                    let chunk = UnsafeRawBufferPointer(rebasing: bytes[0..<count])
                    if index == 0 {
                        for line in splitter.append(chunk) { handle(line) }
                    } else {
                        stderrLog.append(chunk)
                    }
                }
            }
        }
        if let last = splitter.finish() { handle(last) }
        if splitter.droppedLines > 0 {
            host.log(
                .error, "codex (pid \(process.pid)): dropped \(splitter.droppedLines) over-long output lines")
        }
        close(process.standardOutput)
        close(process.standardError)
        process.closeInput()
        let status = process.waitAndReap()
        stderrLog.finish(footer: "ended: \(status)")
        let end = ProcessEnd(
            pid: process.pid, status: status, stderrTail: stderrLog.tail, logPath: stderrLog.path)
        let pending = state.withLock { state -> [Pending] in
            state.end = end
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        for request in pending {
            request.timer?.cancel()
            request.complete(.failure(.ended(method: request.method, end)))
        }
        handlers.ended(end)
        endedLatch.open()
    }

    private func handle(_ line: [UInt8]) {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }
        let message: JSONValue
        do {
            message = try JSONParser.parse(bytes: line)
        } catch {
            host.log(
                .warning,
                "codex (pid \(process.pid)) wrote a line that is not JSON (\(error)): \(Self.excerpt(line))")
            return
        }
        let method = message["method"]?.stringValue
        let id = message["id"]
        switch (method, id) {
        case (let method?, let id?):
            answer(id, handlers.request(method, message["params"] ?? [:]))
        case (let method?, nil):
            handlers.notification(method, message["params"] ?? [:])
        case (nil, let id?):
            guard let number = id.integerValue else {
                host.log(.warning, "codex answered an id we never used: \(Self.excerpt(line))")
                return
            }
            if let result = message["result"] {
                finish(number, .success(result))
            } else {
                let error = message["error"]
                let text =
                    error?["message"]?.stringValue
                    ?? (error.map { JSONWriter.compactString($0) } ?? "no result")
                let method = state.withLock { $0.pending[number]?.method } ?? "request \(number)"
                finish(
                    number,
                    .failure(.error(method: method, code: error?["code"]?.integerValue, message: text)))
            }
        case (nil, nil):
            host.log(
                .warning, "codex wrote a message that is neither request nor answer: \(Self.excerpt(line))")
        }
    }

    private func answer(_ id: JSONValue, _ reply: ServerReply) {
        let message: JSONValue
        switch reply {
        case .result(let result): message = ["id": id, "result": result]
        case .error(let code, let text):
            message = ["id": id, "error": ["code": .integer(code), "message": .string(text)]]
        }
        do {
            try write(message)
        } catch {
            host.log(.warning, "cannot answer codex's request \(JSONWriter.compactString(id)): \(error)")
        }
    }

    private static func excerpt(_ line: [UInt8]) -> String {
        let text = String(decoding: line.prefix(300), as: UTF8.self)
        return line.count > 300 ? text + "…" : text
    }
}
