import AgentProcess
import AgentwsJSON
import AgentwsSystem
import ProviderKit

// ABI 1.1 for codex (docs/providers/codex.md, "Transcripts and forks"): the transcript is the
// thread's rollout JSONL, found through `thread/read`; an import places it under this machine's
// `$CODEX_HOME/sessions/` where codex finds it by id (codex-protocol-notes §16); a fork is
// `thread/fork`. Each runs on a short-lived app-server of its own, with no live session needed;
// an export borrows the shared app-server instead when one runs.
extension CodexPlugin: TranscriptExporting, TranscriptImporting, TranscriptReplacing, ConversationForking {
    static let transcriptFormat = "codex-rollout-jsonl"

    func exportTranscript(_ request: ExportRequest) async throws -> ExportResult {
        let thread = try Self.threadID(in: request.cursor)
        let path: String
        if let running = await servers.borrowRunning() {
            // The shared process still runs (a stop captures right after its session let go of it):
            // one thread/read on it, rather than a second app-server started for that alone.
            let found: Result<String, PluginError>
            do throws(PluginError) {
                found = .success(try await Self.rolloutPath(of: thread, on: running.peer))
            } catch {
                found = .failure(error)
            }
            await servers.release(running)
            path = try found.get()
        } else {
            path = try await withAppServer(cwd: request.cwd, purpose: "export of thread \(thread)") {
                server, _ throws(PluginError) in try await Self.rolloutPath(of: thread, on: server)
            }
        }
        guard let bytes = try Self.files({ () throws(SystemError) in try FileIO.readIfPresent(path) }) else {
            throw PluginError(
                code: .notFound, message: "the rollout of codex thread \(thread) is gone (\(path))")
        }
        // The host's scratch file: it copies it durably itself, so no fsync here.
        try Self.files { () throws(SystemError) in
            try AtomicFile.replace(bytes, path: request.path, durable: false)
        }
        host.log(.info, "exported codex thread \(thread) from \(path)")
        return ExportResult(format: Self.transcriptFormat)
    }

    /// Places the rollout under this machine's `$CODEX_HOME/sessions/YYYY/MM/DD/` with codex's file
    /// name, unless codex already has the thread (then nothing is written). The thread keeps its id.
    /// With `replace`, the rollout codex has for the thread (its `thread/read` path) is overwritten
    /// atomically instead; agentws asks for that only while no session of the thread is live.
    func importTranscript(_ request: ImportRequest) async throws -> ImportResult {
        guard request.format == Self.transcriptFormat else {
            throw PluginError(
                code: .invalidRequest,
                message: "cannot import a transcript in format \"\(request.format)\"; codex reads "
                    + "\(Self.transcriptFormat) only")
        }
        guard
            let bytes = try Self.files({ () throws(SystemError) in try FileIO.readIfPresent(request.path) })
        else {
            throw PluginError(code: .invalidRequest, message: "no transcript at \(request.path)")
        }
        let meta = try RolloutMeta(parsing: bytes, path: request.path)
        if let cursor = request.cursor {
            let expected = try Self.threadID(in: cursor)
            guard expected == meta.thread else {
                throw PluginError(
                    code: .invalidRequest,
                    message: "\(request.path) is the rollout of codex thread \(meta.thread), not \(expected)")
            }
        }
        if request.replace {
            guard request.cursor != nil else {
                throw PluginError(code: .invalidRequest, message: "a replace needs the cursor it replaces")
            }
            let path = try await withAppServer(cwd: request.cwd, purpose: "replace of thread \(meta.thread)")
            {
                server, _ throws(PluginError) in try await Self.rolloutPath(of: meta.thread, on: server)
            }
            try Self.files { () throws(SystemError) in try AtomicFile.replace(bytes, path: path) }
            host.log(.info, "replaced the rollout of codex thread \(meta.thread) at \(path)")
            return ImportResult(cursor: CodexSession.cursor(thread: meta.thread))
        }
        try await withAppServer(cwd: request.cwd, purpose: "import of thread \(meta.thread)") {
            server, home throws(PluginError) in
            if try await Self.read(thread: meta.thread, on: server) != nil {
                host.log(.info, "codex thread \(meta.thread) is already here; nothing imported")
                return
            }
            guard let home, home.hasPrefix("/") else {
                throw PluginError(
                    code: .providerFailed,
                    message: "codex did not name its CODEX_HOME in its initialize answer")
            }
            let directory = "\(home)/sessions/\(meta.directory)"
            let path = "\(directory)/\(meta.fileName)"
            let placed = try Self.files { () throws(SystemError) in
                try FileIO.makeDirectories(directory, mode: 0o700)
                return try AtomicFile.createNew(bytes, directory: directory, fileName: meta.fileName)
            }
            guard placed else {
                throw PluginError(
                    code: .providerFailed,
                    message:
                        "\(path) exists, but codex does not find thread \(meta.thread) in it; move it away")
            }
            host.log(.info, "imported codex thread \(meta.thread) as \(path)")
        }
        return ImportResult(cursor: CodexSession.cursor(thread: meta.thread))
    }

    /// `thread/fork` with the new thread's cwd, runtime mode and model (the source's unless another
    /// is asked for: codex would otherwise take its configured default).
    func fork(_ request: ForkConversationRequest) async throws -> PluginForkResult {
        let thread = try Self.threadID(in: request.cursor)
        let policy = try RuntimePolicy(
            runtimeMode: request.runtimeMode, options: options, instance: agent.name)
        let forked = try await withAppServer(cwd: request.cwd, purpose: "fork of thread \(thread)") {
            server, _ throws(PluginError) in
            guard let source = try await Self.read(thread: thread, on: server) else {
                throw PluginError(code: .notFound, message: "codex has no thread \(thread) here")
            }
            var params: [String: JSONValue] = ["threadId": .string(thread), "cwd": .string(request.cwd)]
            if let model = request.model ?? source["model"]?.stringValue { params["model"] = .string(model) }
            if let sandbox = policy.sandbox { params["sandbox"] = .string(sandbox) }
            if let approvalPolicy = policy.approvalPolicy {
                params["approvalPolicy"] = .string(approvalPolicy)
            }
            let result: JSONValue
            do {
                result = try await server.request("thread/fork", .object(params))
            } catch {
                throw PluginError(
                    code: .providerFailed, message: "codex cannot fork thread \(thread): \(error)")
            }
            guard let id = result["thread"]?["id"]?.stringValue, !id.isEmpty, id != thread else {
                throw PluginError(
                    code: .providerFailed,
                    message: "codex answered thread/fork without a new thread id: "
                        + JSONWriter.compactString(result["thread"]?["id"] ?? .null))
            }
            return id
        }
        host.log(.info, "forked codex thread \(thread) into \(forked) for \(request.thread)")
        return PluginForkResult(cursor: CodexSession.cursor(thread: forked))
    }

    /// Runs `body` on a fresh `codex app-server` in `cwd` (with the codex home it reports), ending
    /// the process afterwards whatever happens.
    private func withAppServer<Value: Sendable>(
        cwd: String, purpose: String,
        _ body: (JSONRPCPeer, String?) async throws(PluginError) -> Value
    ) async throws(PluginError) -> Value {
        let plan = try LaunchPlan(
            options: options, agent: agent, directory: cwd, purpose: purpose)
        // Nothing is asked of agentws on this connection: no turn runs.
        let handlers = JSONRPCPeer.Handlers(
            notification: { _, _ in },
            request: { _, method, _ in
                .error(
                    JSONRPCError(
                        code: JSONRPCError.Code.methodNotFound,
                        message: "agentws answers no \(method) outside a session"))
            },
            ended: { _ in })
        let (server, home) = try await CodexSession.connect(
            plan: plan, options: options, logPath: agent.logPath, host: host, handlers: handlers)
        do throws(PluginError) {
            let value = try await body(server, home)
            await server.terminate(grace: options.stopGrace)
            return value
        } catch {
            await server.terminate(grace: options.stopGrace)
            throw error
        }
    }

    /// `thread/read` of `thread`: its thread object, or nil when codex does not have it. For a thread
    /// it has on disk but not in memory codex answers with the thread (`status: notLoaded`); for one
    /// it does not have at all, with `thread not loaded: <id>` (codex-protocol-notes §16).
    private static func read(thread: String, on server: JSONRPCPeer) async throws(PluginError) -> JSONValue? {
        do {
            let result = try await server.request("thread/read", ["threadId": .string(thread)])
            guard let object = result["thread"], object["id"]?.stringValue == thread else {
                throw PluginError(
                    code: .providerFailed,
                    message:
                        "codex answered thread/read of \(thread) with \(JSONWriter.compactString(result))")
            }
            return object
        } catch let failure as JSONRPCFailure {
            if let message = failure.errorObject?.message,
                CodexSession.isMissingThread(message) || message.contains("thread not loaded")
            {
                return nil
            }
            throw PluginError(
                code: .providerFailed, message: "codex cannot read thread \(thread): \(failure)")
        } catch let error as PluginError {
            throw error
        } catch {
            throw PluginError(code: .providerFailed, message: "codex cannot read thread \(thread): \(error)")
        }
    }

    /// The rollout file of `thread`, from `thread/read` on `server`.
    private static func rolloutPath(of thread: String, on server: JSONRPCPeer) async throws(PluginError)
        -> String
    {
        guard let found = try await read(thread: thread, on: server) else {
            throw PluginError(code: .notFound, message: "codex has no thread \(thread) here")
        }
        return try rolloutPath(of: found, thread: thread)
    }

    private static func rolloutPath(of thread: JSONValue, thread id: String) throws(PluginError) -> String {
        guard let path = thread["path"]?.stringValue, path.hasPrefix("/") else {
            throw PluginError(
                code: .providerFailed,
                message: "codex's thread/read of \(id) names no rollout file: "
                    + JSONWriter.compactString(thread["path"] ?? .null))
        }
        return path
    }

    /// The thread id of a cursor handed to export, import or fork; anything else is a bad request.
    private static func threadID(in cursor: JSONValue) throws(PluginError) -> String {
        guard let thread = cursor["threadId"]?.stringValue, RolloutMeta.isThreadID(thread) else {
            throw PluginError(
                code: .invalidRequest,
                message: "\(JSONWriter.compactString(cursor)) is not a codex cursor "
                    + "({\"threadId\": \"<codex thread id>\"})")
        }
        return thread
    }

    private static func files<Value>(_ body: () throws(SystemError) -> Value) throws(PluginError) -> Value {
        do {
            return try body()
        } catch {
            throw PluginError(code: .providerFailed, message: "\(error)")
        }
    }
}

/// What an import needs from a rollout's first line, `{"type": "session_meta", "payload": {"id",
/// "timestamp", …}}`: the thread id, and where codex files the rollout by date.
struct RolloutMeta {
    let thread: String
    /// `YYYY/MM/DD` of the thread's start.
    let directory: String
    /// `rollout-YYYY-MM-DDTHH-MM-SS-<thread>.jsonl`, as codex names it.
    let fileName: String

    init(parsing bytes: [UInt8], path: String) throws(PluginError) {
        func refuse(_ problem: String) -> PluginError {
            PluginError(code: .invalidRequest, message: "\(path) is not a codex rollout: \(problem)")
        }
        let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
        let line: JSONValue
        do {
            line = try JSONParser.parse(bytes: Array(firstLine))
        } catch {
            throw refuse("its first line is not JSON (\(error))")
        }
        guard line["type"]?.stringValue == "session_meta", let payload = line["payload"] else {
            throw refuse("its first line is not a session_meta record")
        }
        guard let thread = payload["id"]?.stringValue, Self.isThreadID(thread) else {
            throw refuse("its session_meta has no thread id")
        }
        // "2026-12-06T18:25:54.882Z": the date and the time to the second, as codex's file names have it.
        guard let timestamp = payload["timestamp"]?.stringValue, timestamp.utf8.count >= 19 else {
            throw refuse("its session_meta has no timestamp")
        }
        let stamp = Array(timestamp.utf8.prefix(19))
        let shape = Array("dddd-dd-ddTdd:dd:dd".utf8)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard zip(stamp, shape).allSatisfy({ $1 == UInt8(ascii: "d") ? digits.contains($0) : $0 == $1 })
        else {
            throw refuse("its session_meta timestamp \"\(timestamp)\" is not YYYY-MM-DDTHH:MM:SS…")
        }
        let text = String(decoding: stamp, as: UTF8.self)
        self.thread = thread
        directory = text.prefix(10).split(separator: "-").joined(separator: "/")
        fileName = "rollout-\(text.replacingColons)-\(thread).jsonl"
    }

    /// Codex thread ids are UUIDs: hex digits and dashes. Nothing else may reach a file name.
    static func isThreadID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) || byte == UInt8(ascii: "-")
            }
    }
}

extension String {
    fileprivate var replacingColons: String { String(map { $0 == ":" ? "-" : $0 }) }
}
