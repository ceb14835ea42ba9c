import AgentwsCore
import AgentwsJSON

extension ACPAgent {
    /// `session/new`: a new thread, or the one `_meta.agentws.thread` names, which must not be bound
    /// yet. Provider and model (`_meta.agentws.provider` / `model`) are checked now and bound with
    /// the first prompt. The session id is the thread id.
    func newSession(_ params: Params) async throws -> JSONValue {
        let cwd = try relativeCwd(params)
        if let servers = params["mcpServers"]?.arrayValue, !servers.isEmpty {
            logger.notice(
                "session/new: ignoring \(servers.count) MCP server(s); agentws providers bring their own tools"
            )
        }
        let meta = try params.agentwsMeta()
        let thread = try meta.optionalThread("thread") ?? ThreadIDGenerator().makeID(at: environment.now())
        if let binding = try await binding(of: thread) {
            throw AgentwsError(
                .conflict,
                "thread \(thread) is already bound to provider '\(binding.provider)'; open it with session/resume"
            )
        }
        let choice = try await service.checkModel(
            try meta.optionalString("model"), provider: try meta.optionalString("provider"), for: thread)
        guard sessions.open(thread, .init(cwd: cwd, choice: choice)) else {
            throw AgentwsError(
                .conflict, "session \(thread) is already open; attach to it with session/resume")
        }
        return [
            "sessionId": .string(thread.rawValue),
            "configOptions": [await modelOption(for: thread)],
            "_meta": ["agentws": .object(Self.describe(thread, choice: choice, status: "unbound"))],
        ]
    }

    /// `session/resume`: attaches to a bound thread (or one opened with `session/new` and not yet
    /// prompted). Nothing is replayed and no provider session starts until the next prompt, which
    /// resumes the provider conversation from the binding's cursor.
    func resumeSession(_ params: Params) async throws -> JSONValue {
        let thread = try params.thread("sessionId")
        _ = try params.optionalString("cwd")
        let meta: [String: JSONValue]
        if let entry = sessions.entry(thread), entry.cwd != nil {
            meta = Self.describe(thread, choice: entry.choice, status: "unbound")
        } else {
            // show() refuses an unbound thread with the CLI's message.
            let status = try await service.show(thread)
            guard case .binding(let binding) = status.listing else {
                throw AgentwsError(.invalidData, "thread \(thread) has an unreadable binding")
            }
            sessions.remember(thread)
            meta = Self.describe(
                thread, choice: .init(provider: binding.provider, model: binding.model), state: status.state)
        }
        return ["configOptions": [await modelOption(for: thread)], "_meta": ["agentws": .object(meta)]]
    }

    /// `session/list`: every bound thread, and the sessions opened but not bound yet; filtered by
    /// `cwd` when given. All at once: no `nextCursor`.
    func listSessions(_ params: Params) async throws -> JSONValue {
        let filter = try params.optionalString("cwd")
        var entries: [String: JSONValue] = [:]
        for status in try await service.list() {
            guard case .binding(let binding) = status.listing else {
                logger.warning("session/list: skipping \(status.thread): its binding file cannot be read")
                continue
            }
            let cwd = absolute(binding.cwd)
            if let filter, filter != cwd { continue }
            var agentws = Self.describe(
                binding.threadID, choice: .init(provider: binding.provider, model: binding.model),
                state: status.state)
            agentws["live"] = ThreadReport.json(status.liveness)
            if let cause = status.runtime?.lastStopCause { agentws["lastStop"] = .string(cause.rawValue) }
            if let parent = binding.parent { agentws["parent"] = .string(parent.thread.rawValue) }
            var entry: [String: JSONValue] = [
                "sessionId": .string(binding.threadID.rawValue), "cwd": .string(cwd),
                "_meta": ["agentws": .object(agentws)],
            ]
            if let activity = status.runtime?.lastActivity {
                entry["updatedAt"] = .string(activity.description)
            }
            entries[binding.threadID.rawValue] = .object(entry)
        }
        for (thread, entry) in sessions.unbound where entries[thread.rawValue] == nil {
            let cwd = absolute(entry.cwd ?? ".")
            if let filter, filter != cwd { continue }
            entries[thread.rawValue] = [
                "sessionId": .string(thread.rawValue), "cwd": .string(cwd),
                "_meta": ["agentws": .object(Self.describe(thread, choice: entry.choice, status: "unbound"))],
            ]
        }
        return ["sessions": .array(entries.keys.sorted().compactMap { entries[$0] })]
    }

    /// `session/fork` (SPEC §12): a new session whose thread is a fork of the session's thread, with
    /// an independent copy of its provider conversation (`agentws fork`). The new thread's id is
    /// `_meta.agentws.thread` when given, else a new one. The fork keeps the source's cwd, whatever
    /// `cwd` says (the provider conversation belongs to it), as `session/resume` does.
    func forkSession(_ params: Params) async throws -> JSONValue {
        let source = try params.thread("sessionId")
        _ = try params.optionalString("cwd")
        let meta = try params.agentwsMeta()
        let logger = logger
        let result = try await service.fork(source, into: try meta.optionalThread("thread")) { event in
            logger.info("session/fork \(source): \(event)")
        }
        let thread = result.thread
        sessions.remember(thread)
        var described = Self.describe(
            thread, choice: .init(provider: result.binding.provider, model: result.binding.model),
            state: .stopped)
        described["parent"] = .string(source.rawValue)
        described["method"] = .string(result.method.rawValue)
        return [
            "sessionId": .string(thread.rawValue),
            "configOptions": [await modelOption(for: thread)],
            "_meta": ["agentws": .object(described)],
        ]
    }

    /// `session/close`: stops the thread's session like `agentws stop` (binding and cursor kept); a
    /// session that was never prompted is simply forgotten.
    func closeSession(_ params: Params) async throws -> JSONValue {
        let thread = try params.thread("sessionId")
        if let entry = sessions.entry(thread), entry.cwd != nil, try await binding(of: thread) == nil {
            sessions.remove(thread)
            return [:]
        }
        let logger = logger
        try await service.stop(thread) { event in logger.info("session/close \(thread): \(event)") }
        sessions.remove(thread)
        return [:]
    }

    // MARK: Helpers

    /// The thread's binding, or nil when it has none.
    func binding(of thread: ThreadID) async throws -> Binding? {
        let status: ThreadStatus
        do {
            status = try await service.show(thread)
        } catch let error as AgentwsError where error.category == .notFound {
            return nil
        }
        if case .binding(let binding) = status.listing { return binding }
        return nil
    }

    /// The session's entry, for a thread this agent knows: opened here, or bound. Anything else is
    /// not an ACP session (yet).
    func knownSession(_ thread: ThreadID) async throws -> OpenSessions.Entry? {
        if let entry = sessions.entry(thread) { return entry }
        guard try await binding(of: thread) != nil else {
            throw AgentwsError(
                .notFound,
                "no session \(thread): open one with session/new, or attach to a bound thread with session/resume"
            )
        }
        sessions.remember(thread)
        return nil
    }

    /// The `cwd` of a request, relative to the workspace root.
    func relativeCwd(_ params: Params) throws -> String {
        let cwd = try params.string("cwd")
        guard cwd.hasPrefix("/") else {
            throw JSONRPCError.invalidParams(params.method, "'cwd' must be an absolute path, not \(cwd)")
        }
        guard let relative = environment.relativePath(cwd) else {
            throw AgentwsError(
                .usage,
                "\(cwd) is outside the workspace \(service.workspaceRoot) (or does not exist); sessions of this workspace work inside it"
            )
        }
        return relative
    }

    func absolute(_ relative: String) -> String {
        relative == "." || relative.isEmpty ? service.workspaceRoot : service.workspaceRoot + "/" + relative
    }

    static func describe(_ thread: ThreadID, choice: ModelPolicy.Choice?, status: String) -> [String:
        JSONValue]
    {
        [
            "thread": .string(thread.rawValue), "provider": .optional(choice?.provider),
            "model": .optional(choice?.model), "status": .string(status),
        ]
    }

    /// `describe` for a bound thread: its state on this machine, with the error text when in error.
    static func describe(_ thread: ThreadID, choice: ModelPolicy.Choice?, state: ThreadState) -> [String:
        JSONValue]
    {
        var described = describe(thread, choice: choice, status: state.name)
        if let error = state.errorText { described["lastError"] = .string(error) }
        return described
    }
}
