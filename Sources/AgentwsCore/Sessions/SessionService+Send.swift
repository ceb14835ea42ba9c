import AgentwsJSON

extension SessionService {
    /// Sends one turn (SPEC §4.1): binds an unbound thread, resumes a stopped one from its cursor,
    /// reuses a live one; streams events to `events` in order; finishes when the turn ends.
    public func send(_ request: SendRequest, events: @escaping @Sendable (SessionEvent) -> Void) async throws
        -> SendResult
    {
        let thread = request.thread ?? ThreadIDGenerator().makeID(at: wallClock())
        await enterGate(thread)
        defer { leaveGate(thread) }
        let result = try await sendHoldingGate(thread, request, events: events)
        if residency == .oneShot {
            if let failure = await endLiveSession(thread, cause: .exit, events: events) {
                events(.warning("stopping the session of thread \(thread) failed: \(failure)"))
            }
        }
        return result
    }

    private func sendHoldingGate(
        _ thread: ThreadID, _ request: SendRequest, events: @escaping @Sendable (SessionEvent) -> Void
    )
        async throws -> SendResult
    {
        await followBindingFile(thread, events: events)
        var acquired: (any ThreadLease)?
        let lease: any ThreadLease
        if let session = live[thread] {
            lease = session.lease
        } else {
            let new = try await acquireLease(thread, wait: request.waitForOwner, events: events)
            acquired = new
            lease = new
        }
        do {
            return try await sendWithLease(thread, request, lease: lease, events: events)
        } catch {
            // A lease taken for this call is only kept by a session that went live.
            if let acquired, live[thread] == nil { acquired.release() }
            throw error
        }
    }

    private func sendWithLease(
        _ thread: ThreadID, _ request: SendRequest, lease: any ThreadLease,
        events: @escaping @Sendable (SessionEvent) -> Void
    ) async throws -> SendResult {
        var binding = try store.readBinding(thread)
        if let existing = binding, existing.schemaVersion > Binding.currentSchemaVersion {
            throw AgentwsError(
                .invalidData,
                "thread \(thread) was written by a newer agentws (schema version \(existing.schemaVersion)); upgrade agentws to use it"
            )
        }
        let (choice, capabilities) = try await resolveChoice(
            thread, binding: binding, model: request.model, provider: request.provider)
        if let binding, let mode = request.runtimeMode, mode != binding.runtimeMode {
            // The mode is part of how the provider conversation was set up; changing it under a live
            // conversation would be a silent privilege change, so it is explicit: unbind and rebind.
            throw AgentwsError(
                .conflict,
                "thread \(thread) was bound with runtime mode \(binding.runtimeMode ?? "(provider default)"); it cannot change to \(mode) on a bound thread. Use another thread, or 'agentws unbind \(thread)' and send again with --runtime-mode \(mode)."
            )
        }

        // A model change on a bound thread (SPEC §6).
        var turnModel: String?
        var mustStartFresh = false
        if var current = binding, choice.model != current.model {
            switch capabilities.modelSwitch {
            case .inSession:
                current.model = choice.model
                try store.writeBinding(current, lease: lease)
                live[thread]?.boundAs = current
                binding = current
                turnModel = choice.model
                events(.notice("thread \(thread) now uses model \(choice.qualifiedName) (same conversation)"))
            case .restart:
                guard configuration.models.onChange == .restart else {
                    throw Self.modelChangeRejected(thread, binding: current, choice: choice)
                }
                if live[thread] != nil {
                    // Keep the lease across the restart: the session ends, the ownership does not.
                    if let session = live.removeValue(forKey: thread) {
                        try? await session.session.stop()
                        // The old conversation is captured before its cursor goes (SPEC §11).
                        if case .failed(let reason) = await captureTranscript(
                            thread, conversation: session.boundAs)
                        {
                            events(.warning("thread \(thread): transcript not captured: \(reason)"))
                        }
                        try recordStop(thread, cause: .modelChange)
                    }
                } else {
                    try recordStop(thread, cause: .modelChange)
                }
                // Drop the cursor on disk before anything else, so no later start can pick it up.
                current.model = choice.model
                current.resumeCursor = nil
                try store.writeBinding(current, lease: lease)
                binding = current
                mustStartFresh = true
                events(
                    .notice(
                        "thread \(thread): model changed to \(choice.qualifiedName); started a fresh \(current.provider) conversation (the previous one is not carried over)"
                    ))
            }
        }

        let startKind: SessionStartKind
        let session: ResidentSession
        if let warm = live[thread] {
            session = warm
            startKind = .warm
        } else {
            (session, startKind) = try await startSession(
                thread, request: request, choice: choice, binding: binding, fresh: mustStartFresh,
                lease: lease, events: events)
        }
        // The turn counts as running from the moment the caller hears the session is ready, so an
        // interrupt prompted by that news always finds it.
        session.activity.beginTurn(sink: events)
        events(
            .sessionReady(thread: thread, provider: choice.provider, model: choice.model, start: startKind))
        let outcome = try await runTurn(session, text: request.text, model: turnModel)
        events(.turnFinished(outcome.stopReason, usage: outcome.usage))
        return SendResult(
            thread: thread, provider: choice.provider, model: choice.model, start: startKind,
            stopReason: outcome.stopReason, usage: outcome.usage)
    }

    /// The provider and model a send with `model` / `provider` would use, with the refusals a send
    /// makes before it touches anything: the model policy, a provider switch on a bound thread, a
    /// model the provider does not accept.
    func resolveChoice(_ thread: ThreadID, binding: Binding?, model: String?, provider: String?)
        async throws -> (ModelPolicy.Choice, ProviderCapabilities)
    {
        let bound = binding.map { ModelPolicy.Choice(provider: $0.provider, model: $0.model) }
        let choice = try policy.resolve(model: model, provider: provider, bound: bound)
        if let binding, choice.provider != binding.provider {
            throw AgentwsError(
                .conflict,
                "thread \(thread) is bound to provider '\(binding.provider)' and cannot switch to '\(choice.provider)'. Run 'agentws unbind \(thread)' to release it (this forgets the \(binding.provider) conversation), or use another thread."
            )
        }
        let capabilities = try await capabilities(of: choice.provider)
        if let model = choice.model, let accepted = capabilities.models, !accepted.contains(model) {
            throw AgentwsError(
                .usage,
                "provider '\(choice.provider)' does not accept model '\(model)'; it accepts: \(accepted.joined(separator: ", "))"
            )
        }
        return (choice, capabilities)
    }

    static func modelChangeRejected(_ thread: ThreadID, binding: Binding, choice: ModelPolicy.Choice)
        -> AgentwsError
    {
        AgentwsError(
            .conflict,
            "thread \(thread) uses model \(binding.model ?? "(provider default)"); provider '\(binding.provider)' needs a fresh conversation to switch to \(choice.model ?? "its default model") and models.on_change is 'reject'. Use another thread, or set models.on_change: restart."
        )
    }

    /// Checks, without changing anything, whether the next send on `thread` may use `model` (and
    /// `provider`, for an unbound thread): the same refusals, with the same messages, as `send`.
    /// Returns the provider and model that send would use.
    public func checkModel(_ model: String?, provider: String? = nil, for thread: ThreadID) async throws
        -> ModelPolicy.Choice
    {
        let binding = try store.readBinding(thread)
        let (choice, capabilities) = try await resolveChoice(
            thread, binding: binding, model: model, provider: provider)
        if let binding, choice.model != binding.model, capabilities.modelSwitch == .restart,
            configuration.models.onChange == .reject
        {
            throw Self.modelChangeRejected(thread, binding: binding, choice: choice)
        }
        return choice
    }

    private func startSession(
        _ thread: ThreadID, request: SendRequest, choice: ModelPolicy.Choice, binding: Binding?, fresh: Bool,
        lease: any ThreadLease, events: @escaping @Sendable (SessionEvent) -> Void
    ) async throws -> (ResidentSession, SessionStartKind) {
        let provider = try await providers.provider(named: choice.provider)
        let cursor = fresh ? nil : binding?.resumeCursor
        let cwd = binding?.cwd ?? request.cwd
        let runtimeMode = binding?.runtimeMode ?? request.runtimeMode
        let router = SessionEventRouter(clock: clock)
        func start(_ cursor: JSONValue?) async throws(ProviderError) -> any ProviderSession {
            try await provider.start(
                SessionStartRequest(
                    thread: thread, cwd: absoluteCwd(cwd), model: choice.model, runtimeMode: runtimeMode,
                    resumeCursor: cursor),
                events: router.handler)
        }

        var kind: SessionStartKind = cursor == nil ? .fresh : .resumed
        // A newer transcript of this very conversation from another machine (git) is adopted first.
        var adoptedAt: UTCDateTime?
        if let cursor {
            switch await adoptNewerTranscript(
                thread, provider: provider, providerName: choice.provider, cursor: cursor,
                cwd: absoluteCwd(cwd))
            {
            case .nothingNewer: break
            case .adopted(let capturedAt): adoptedAt = capturedAt
            case .split(let capturedAt, let reason):
                events(
                    .warning(
                        "thread \(thread): the workspace transcript (captured \(capturedAt)) is newer than this machine's copy of the \(choice.provider) conversation, but \(reason): the conversation has split. This machine's copy continues; the next stop captures it over the workspace transcript (git keeps the other in its history)."
                    ))
            }
        }
        let providerSession: any ProviderSession
        do {
            providerSession = try await start(cursor)
            if let adoptedAt {
                events(
                    .notice(
                        "resumed from the workspace transcript (captured \(adoptedAt)), newer than this machine's copy"
                    ))
                kind = .restored
            }
        } catch let error where error.code == .resumeFailed && cursor != nil {
            let cursorText = cursor.map { JSONWriter.compactString($0) } ?? "null"
            // SPEC §11: a transcript of exactly this conversation, held in the workspace, restores it.
            var unusable = "no transcript was tried"
            var restoredSession: (session: any ProviderSession, capturedAt: UTCDateTime)?
            if let cursor {
                switch await restoreFromTranscript(
                    thread, provider: provider, providerName: choice.provider, cursor: cursor,
                    cwd: absoluteCwd(cwd))
                {
                case .restored(let restored, let capturedAt):
                    do {
                        restoredSession = (try await start(restored), capturedAt)
                    } catch {
                        unusable =
                            "the workspace transcript was imported, but resuming it failed: \(error.message)"
                    }
                case .unusable(let reason):
                    unusable = reason
                }
            }
            if let restoredSession {
                events(
                    .notice("resumed from the workspace transcript (captured \(restoredSession.capturedAt))"))
                return try await recordStarted(
                    thread, session: restoredSession.session, kind: .restored, request: request,
                    choice: choice, binding: binding, lease: lease, router: router)
            }
            let freshAllowed =
                request.freshOnResumeFailure || configuration.sessions.onResumeFailure == .fresh
            guard freshAllowed else {
                let message =
                    "cannot resume thread \(thread): provider '\(choice.provider)' no longer has the conversation behind cursor \(cursorText) (\(error.message)), and \(unusable). The cursor is kept. Run 'agentws send --fresh --thread \(thread) …' to start a new conversation, or 'agentws reset \(thread)' to forget it."
                try markFailed(thread, binding: binding, message: message)
                throw ProviderError(.resumeFailed, message)
            }
            events(
                .warning(
                    "thread \(thread): the \(choice.provider) conversation behind cursor \(cursorText) could not be resumed (\(error.message)), and \(unusable); started a fresh conversation — the provider context was NOT carried over"
                ))
            do {
                providerSession = try await start(nil)
            } catch {
                try markFailed(
                    thread, binding: binding,
                    message: "starting a fresh \(choice.provider) session failed: \(error.message)")
                throw error
            }
            kind = .replaced
        } catch {
            let verb = cursor == nil ? "starting" : "resuming"
            let message = "\(verb) a \(choice.provider) session for thread \(thread) failed: \(error.message)"
            try markFailed(thread, binding: binding, message: message)
            throw ProviderError(error.code, message)
        }
        return try await recordStarted(
            thread, session: providerSession, kind: kind, request: request, choice: choice, binding: binding,
            lease: lease, router: router)
    }

    /// Records a provider session that started: the binding (with the session's cursor) and this
    /// machine's state; makes it the thread's live session.
    private func recordStarted(
        _ thread: ThreadID, session providerSession: any ProviderSession, kind: SessionStartKind,
        request: SendRequest, choice: ModelPolicy.Choice, binding: Binding?, lease: any ThreadLease,
        router: SessionEventRouter
    ) async throws -> (ResidentSession, SessionStartKind) {
        var updated =
            binding
            ?? Binding(
                threadID: thread, provider: choice.provider, model: choice.model, resumeCursor: nil,
                cwd: request.cwd, runtimeMode: request.runtimeMode, createdAt: wallClock())
        updated.model = choice.model
        if let newCursor = providerSession.cursor { updated.resumeCursor = newCursor }
        do {
            try store.writeBinding(updated, lease: lease)
            var record = store.readRuntime(thread) ?? RuntimeRecord()
            record.ownerPID = store.processID
            record.lastError = nil
            record.lastActivity = wallClock()
            try store.writeRuntime(record, for: thread)
        } catch {
            // The binding could not record the session: do not leave a session nobody knows about.
            try? await providerSession.stop()
            throw error
        }
        let session = ResidentSession(
            thread: thread, provider: choice.provider, lease: lease, router: router, session: providerSession,
            boundAs: updated)
        live[thread] = session
        router.state.withLock { activity in
            activity.ended = { [weak self] reason in
                guard let self else { return }
                Task { await self.providerEnded(thread, session: session, reason: reason) }
            }
        }
        return (session, kind)
    }

    /// Records a failed start in this machine's state (`error` with the message); the binding file
    /// and its cursor are untouched (SPEC §4.2). An unbound thread stays unbound: nothing was agreed
    /// with a provider. The caller holds the lease.
    private func markFailed(_ thread: ThreadID, binding: Binding?, message: String) throws {
        guard binding != nil else { return }
        var record = store.readRuntime(thread) ?? RuntimeRecord()
        record.ownerPID = nil
        record.lastError = message
        try store.writeRuntime(record, for: thread)
    }

    /// Runs the turn `beginTurn` announced.
    private func runTurn(_ session: ResidentSession, text: String, model: String?) async throws -> TurnOutcome
    {
        let thread = session.thread
        let outcome: TurnOutcome
        do {
            outcome = try await session.session.send(TurnRequest(text: text, model: model))
        } catch {
            session.activity.endTurn()
            let message = "the \(session.provider) turn on thread \(thread) failed: \(error.message)"
            // The provider may be gone with its session: end it, keep the cursor, record the error.
            await endLiveSession(thread, cause: .failure, error: message)
            throw ProviderError(error.code, message)
        }
        session.activity.endTurn()
        // A file that changed during the turn is not overwritten: it is the truth, and the next
        // operation stops this session to follow it (SPEC §4.4).
        if let cursor = outcome.cursor, var binding = try store.readBinding(thread),
            binding.resumeCursor != cursor, binding.sessionFieldsChanged(from: session.boundAs).isEmpty
        {
            binding.resumeCursor = cursor
            try store.writeBinding(binding, lease: session.lease)
            session.boundAs = binding
        }
        return outcome
    }
}

extension SessionService {
    /// The provider ended `session` on its own (the process serving it died): it is stopped with the
    /// reason recorded (cause `failure`), binding and cursor kept, so the next send resumes it. A turn
    /// running on it fails by itself and ends the session first; then this finds nothing to do.
    func providerEnded(_ thread: ThreadID, session: ResidentSession, reason: String) async {
        await enterGate(thread)
        defer { leaveGate(thread) }
        guard live[thread] === session else { return }
        await endLiveSession(thread, cause: .failure, error: reason)
    }
}
