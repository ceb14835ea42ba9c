import AgentwsJSON
import AgentwsSystem
import ProviderKit

/// ABI 1.1 for Claude Code (docs/providers/claude.md, "Transcripts and forks"): Claude keeps each
/// conversation as JSON Lines at `<config dir>/projects/<encoded cwd>/<session id>.jsonl`; export
/// copies that file, import puts a copy where this machine's Claude looks for the thread's working
/// directory, and fork has Claude copy the conversation under a new id (`--fork-session`).
extension ClaudePlugin: TranscriptExporting, TranscriptImporting, TranscriptReplacing, ConversationForking {
    static let transcriptFormat = "claude-jsonl"

    func exportTranscript(_ request: ExportRequest) async throws -> ExportResult {
        let session = try Self.conversation(in: request.cursor)
        let source = try transcriptPath(session: session, cwd: request.cwd)
        let contents: [UInt8]?
        do {
            contents = try FileIO.readIfPresent(source)
        } catch {
            throw PluginError(code: .providerFailed, message: "\(error)")
        }
        guard let bytes = contents else {
            throw PluginError(
                code: .notFound,
                message: "claude has no transcript of session \(session) for \(request.cwd) (looked for "
                    + "\(source); Claude deletes transcripts older than cleanupPeriodDays)")
        }
        _ = try Self.sessionOfTranscript(bytes, path: source)
        do {
            // The host's scratch file: it copies it durably itself, so no fsync here.
            try AtomicFile.replace(bytes, path: request.path, durable: false)
        } catch {
            throw PluginError(code: .providerFailed, message: "cannot write the export: \(error)")
        }
        return ExportResult(format: Self.transcriptFormat)
    }

    func importTranscript(_ request: ImportRequest) async throws -> ImportResult {
        guard request.format == Self.transcriptFormat else {
            throw PluginError(
                code: .invalidRequest,
                message: "claude imports \(Self.transcriptFormat) transcripts, not \(request.format)")
        }
        let contents: [UInt8]?
        do {
            contents = try FileIO.readIfPresent(request.path)
        } catch {
            throw PluginError(code: .invalidRequest, message: "\(error)")
        }
        guard let bytes = contents else {
            throw PluginError(code: .invalidRequest, message: "no transcript file at \(request.path)")
        }
        let session = try Self.sessionOfTranscript(bytes, path: request.path)
        if let cursor = request.cursor, try Self.conversation(in: cursor) != session {
            throw PluginError(
                code: .invalidRequest,
                message: "the transcript \(request.path) is of claude session \(session), not of the cursor "
                    + JSONWriter.compactString(cursor))
        }
        let directory = try projectDirectory(cwd: request.cwd)
        let destination = "\(directory)/\(session).jsonl"
        if request.replace {
            // The transcript names the cursor's session (checked above); Claude's copy of it is
            // overwritten whole. agentws asks for that only while no session of the thread is live.
            guard request.cursor != nil else {
                throw PluginError(code: .invalidRequest, message: "a replace needs the cursor it replaces")
            }
            guard FileIO.exists(destination) else {
                throw PluginError(
                    code: .notFound, message: "claude has no session \(session) at \(destination)")
            }
            do {
                try AtomicFile.replace(bytes, directory: directory, fileName: "\(session).jsonl")
            } catch {
                throw PluginError(code: .providerFailed, message: "cannot replace the transcript: \(error)")
            }
            host.log(.info, "replaced claude session \(session) for \(request.thread) at \(destination)")
            return ImportResult(cursor: ClaudeSession.cursor(session))
        }
        let existing: [UInt8]?
        do {
            existing = try FileIO.readIfPresent(destination)
            if existing == nil {
                try FileIO.makeDirectories(directory, mode: 0o700)
                // Whole or not at all; a copy that appeared meanwhile is compared below.
                _ = try AtomicFile.createNew(bytes, directory: directory, fileName: "\(session).jsonl")
            }
        } catch {
            throw PluginError(code: .providerFailed, message: "cannot place the transcript: \(error)")
        }
        if let existing, existing != bytes {
            throw PluginError(
                code: .invalidRequest,
                message: "a different transcript of claude session \(session) is already at \(destination); "
                    + "agentws does not overwrite it (move it away to import this one)")
        }
        host.log(.info, "imported claude session \(session) for \(request.thread) at \(destination)")
        return ImportResult(cursor: ClaudeSession.cursor(session))
    }

    /// Claude copies the conversation itself: `--resume <source> --fork-session --session-id <new>`,
    /// and a local command (`/cost`, no model request) so that it writes the copy at once.
    func fork(_ request: ForkConversationRequest) async throws -> PluginForkResult {
        let source = try Self.conversation(in: request.cursor)
        let policy = try PermissionPolicy(
            runtimeMode: request.runtimeMode, options: options, instance: agent.name)
        let copy = SessionID.random()
        let quiet = PluginHost(
            events: { _, _ in }, log: { [host] level, message in host.log(level, message) })
        let session = try await openFork(
            source: source, copy: copy, request: request, policy: policy, host: quiet)
        let outcome: Result<PluginTurnResult, any Error>
        do {
            outcome = .success(
                try await session.send(PluginTurnRequest(session: session.id, text: "/cost", model: nil)))
        } catch {
            outcome = .failure(error)
        }
        await session.stop()
        _ = try outcome.get()
        let written = try transcriptPath(session: copy, cwd: request.cwd)
        guard FileIO.exists(written) else {
            throw PluginError(
                code: .providerFailed,
                message: "claude forked session \(source) but wrote no transcript at \(written)")
        }
        host.log(.info, "forked claude session \(source) as \(copy) for \(request.thread)")
        return PluginForkResult(cursor: ClaudeSession.cursor(copy))
    }

    /// A claude process on a fork of `source` under the id `copy`; a source Claude does not have is
    /// `not-found`.
    private func openFork(
        source: String, copy: String, request: ForkConversationRequest, policy: PermissionPolicy,
        host: PluginHost
    ) async throws(PluginError) -> ClaudeSession {
        do {
            return try await open(
                .fork(source: source, id: copy), cwd: request.cwd, model: request.model, policy: policy,
                purpose: "fork of session \(source) for thread \(request.thread)", host: host)
        } catch {
            guard error.code == .resumeFailed else { throw error }
            throw PluginError(code: .notFound, message: error.message)
        }
    }

    /// Where this instance's Claude keeps the transcript of `session` for `cwd`.
    private func transcriptPath(session: String, cwd: String) throws(PluginError) -> String {
        "\(try projectDirectory(cwd: cwd))/\(session).jsonl"
    }

    /// The directory where this instance's Claude keeps the transcripts of `cwd`.
    private func projectDirectory(cwd: String) throws(PluginError) -> String {
        let environment = try ClaudeEnvironment(options: options, agent: agent)
        guard let home = environment.configDirectory else {
            throw PluginError(
                code: .providerFailed,
                message: "cannot tell where claude keeps its transcripts: neither CLAUDE_CONFIG_DIR nor HOME "
                    + "is set (set providers.\(agent.name).options.config_dir)")
        }
        // Claude names the directory after its working directory as the kernel reports it.
        var directory = cwd
        if let resolved = realpath(cwd, nil) {
            directory = String(cString: resolved)
            free(resolved)
        }
        return "\(home)/projects/\(Self.encode(directory))"
    }

    /// Claude's directory name for a working directory, as Claude Code 2.1 makes it: every UTF-16
    /// code unit that is not an ASCII letter or digit becomes `-` (so a character outside the Basic
    /// Multilingual Plane becomes two); a name longer than 200 is cut to 200 and followed by `-` and
    /// the magnitude, in base 36, of the path's 32-bit string hash (h = 31·h + unit, wrapping, over
    /// the UTF-16 code units), which keeps long paths apart.
    static func encode(_ directory: String) -> String {
        let name = directory.utf16.map { unit -> UInt8 in
            switch unit {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: UInt8(truncatingIfNeeded: unit)
            default: UInt8(ascii: "-")
            }
        }
        guard name.count > longestPlainName else { return String(decoding: name, as: UTF8.self) }
        var hash: Int32 = 0
        for unit in directory.utf16 { hash = (hash &<< 5) &- hash &+ Int32(unit) }
        return String(decoding: name.prefix(longestPlainName), as: UTF8.self) + "-"
            + String(hash.magnitude, radix: 36)
    }

    /// The longest directory name Claude uses without a hash.
    static let longestPlainName = 200

    /// The session a transcript belongs to: the `sessionId` of its lines, which must all be JSON
    /// objects and name one session.
    static func sessionOfTranscript(_ bytes: [UInt8], path: String) throws(PluginError) -> String {
        var session: String?
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            number += 1
            guard let record = try? JSONParser.parse(bytes: Array(line)), record.objectValue != nil else {
                throw PluginError(
                    code: .invalidRequest,
                    message: "\(path):\(number) is not a claude transcript line (not a JSON object)")
            }
            guard let id = record["sessionId"]?.stringValue else { continue }
            if session == nil {
                guard SessionID.isValid(id) else {
                    throw PluginError(
                        code: .invalidRequest,
                        message: "\(path):\(number): \"\(id)\" is not a claude session id")
                }
                session = id
            } else if session != id {
                throw PluginError(
                    code: .invalidRequest,
                    message:
                        "\(path):\(number) belongs to claude session \(id), the lines before it to \(session ?? "")"
                )
            }
        }
        guard let session else {
            throw PluginError(
                code: .invalidRequest, message: "\(path) names no claude session (no sessionId in any line)")
        }
        return session
    }
}
