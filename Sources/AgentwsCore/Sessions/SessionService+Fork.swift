import AgentwsJSON

/// How a fork got its copy of the source conversation (SPEC §12).
public enum ForkMethod: String, Sendable, Equatable {
    /// The provider's own `fork`.
    case providerFork = "provider-fork"
    /// The source's transcript exported and imported under a new cursor.
    case transcript = "export-import"
    /// The source had no conversation yet (never sent, or reset): nothing to copy, and the fork's
    /// first send starts a fresh conversation.
    case nothingToCopy = "nothing-to-copy"
}

/// What `fork` created.
public struct ForkResult: Sendable, Equatable {
    /// The new binding, as written.
    public var binding: Binding
    public var method: ForkMethod

    public init(binding: Binding, method: ForkMethod) {
        self.binding = binding
        self.method = method
    }

    public var thread: ThreadID { binding.threadID }
}

extension SessionService {
    /// `agentws fork SRC [--thread NEW]` (SPEC §12): a new thread bound to SRC's provider, model,
    /// cwd and runtime mode, whose provider conversation is an independent copy of SRC's — through
    /// the provider's `fork`, else its `export` + `import` (the transcript goes through a scratch
    /// file under `state/`, removed after), else refused (`conflict`) with the provider's reason.
    /// The new binding records `parent: {"thread": SRC}`; SRC's binding file is only read. The
    /// copy's transcript is captured like a stopped session's (mode and provider permitting).
    ///
    /// A turn of SRC running in this process is waited for, so the copy is taken between turns. A
    /// session of SRC live here or elsewhere stays as it is: the provider copies the conversation
    /// behind the cursor in SRC's file.
    public func fork(
        _ source: ThreadID, into requested: ThreadID? = nil, events: (@Sendable (SessionEvent) -> Void)? = nil
    ) async throws -> ForkResult {
        let thread = requested ?? ThreadIDGenerator().makeID(at: wallClock())
        guard thread != source else {
            throw AgentwsError(.usage, "cannot fork thread \(source) into itself; give the fork another id")
        }
        // Both gates, always in id order, so that two forks of each other's threads cannot wait for
        // each other.
        let (first, second) = source < thread ? (source, thread) : (thread, source)
        return try await withGate(first) {
            try await withGate(second) {
                try await forkHoldingGates(source, into: thread, events: events)
            }
        }
    }

    private func forkHoldingGates(
        _ source: ThreadID, into thread: ThreadID, events: (@Sendable (SessionEvent) -> Void)?
    ) async throws -> ForkResult {
        guard let original = try store.readBinding(source) else {
            throw AgentwsError(
                .notFound,
                "thread \(source) has no binding, so there is nothing to fork; 'agentws list' shows the bound threads"
            )
        }
        if original.schemaVersion > Binding.currentSchemaVersion {
            throw AgentwsError(
                .invalidData,
                "thread \(source) was written by a newer agentws (schema version \(original.schemaVersion)); upgrade agentws to fork it"
            )
        }
        try refuseExisting(thread)
        let lease = try await acquireLease(thread, wait: false, events: events)
        defer { lease.release() }
        // Checked again with the lease held: another process may have bound it meanwhile.
        try refuseExisting(thread)

        var fork = Binding(
            threadID: thread, provider: original.provider, model: original.model, resumeCursor: nil,
            cwd: original.cwd, runtimeMode: original.runtimeMode, parent: Binding.Parent(thread: source),
            createdAt: wallClock())
        let method: ForkMethod
        if let cursor = original.resumeCursor {
            (fork.resumeCursor, method) = try await copyConversation(
                of: original, cursor: cursor, into: thread)
        } else {
            method = .nothingToCopy
            events?(
                .notice(
                    "thread \(source) has no provider conversation yet; \(thread) is bound to \(original.provider) like it, and its first send starts a fresh conversation"
                ))
        }
        try store.writeBinding(fork, lease: lease)
        // The copy is captured at once, as a stop would: a fork is often committed before anyone
        // sends to it, and without a transcript a clone could not continue it (SPEC §11).
        if fork.resumeCursor != nil,
            case .failed(let reason) = await captureTranscript(thread, conversation: fork)
        {
            events?(.warning("thread \(thread): transcript not captured: \(reason)"))
        }
        return ForkResult(binding: fork, method: method)
    }

    /// Refuses a fork into a thread that is bound (or whose file cannot be read): a fork never
    /// replaces a binding.
    private func refuseExisting(_ thread: ThreadID) throws {
        let existing: Binding?
        do {
            existing = try store.readBinding(thread)
        } catch {
            throw AgentwsError(
                .conflict,
                "thread \(thread) exists already (its binding file cannot be read: \(error)); choose another id with --thread"
            )
        }
        if let existing {
            throw AgentwsError(
                .conflict,
                "thread \(thread) exists already (bound to provider '\(existing.provider)'); choose another id with --thread, or 'agentws unbind \(thread)' first"
            )
        }
    }

    /// The copy's cursor, and how it was made.
    private func copyConversation(of original: Binding, cursor: JSONValue, into thread: ThreadID)
        async throws -> (JSONValue, ForkMethod)
    {
        let source = original.threadID
        let providerName = original.provider
        let provider = try await providers.provider(named: providerName)
        let capabilities = try await capabilities(of: providerName)
        let cwd = absoluteCwd(original.cwd)
        let cursorText = JSONWriter.compactString(cursor)
        func failed(_ step: String, _ error: ProviderError) -> ProviderError {
            ProviderError(
                error.code,
                "forking thread \(source) failed: provider '\(providerName)' could not \(step) the conversation behind cursor \(cursorText): \(error.message)"
            )
        }

        var reasons: [String] = []
        if capabilities.canFork {
            do {
                let copy = try await provider.fork(
                    ForkRequest(
                        thread: thread, source: source, cursor: cursor, cwd: cwd, model: original.model,
                        runtimeMode: original.runtimeMode))
                return (try independent(copy, of: cursor, providerName, "fork"), .providerFork)
            } catch let error where error.code == .unsupported {
                reasons.append(error.message)
            } catch {
                throw failed("fork", error)
            }
        } else {
            reasons.append("provider '\(providerName)' does not offer fork")
        }

        if capabilities.canExport && capabilities.canImport {
            let scratch = try store.makeScratchFile("fork-\(thread.rawValue)")
            defer { store.removeScratchFile(scratch) }
            var step = "export"
            do throws(ProviderError) {
                let exported = try await provider.exportTranscript(
                    TranscriptExportRequest(thread: source, cursor: cursor, cwd: cwd, destination: scratch))
                step = "import a copy of"
                // No cursor: the import must place the conversation under a new one.
                let copy = try await provider.importTranscript(
                    TranscriptImportRequest(
                        thread: thread, cwd: cwd, source: scratch, format: exported.format, cursor: nil))
                return (try independent(copy, of: cursor, providerName, "import"), .transcript)
            } catch  where error.code == .unsupported {
                reasons.append(error.message)
            } catch {
                throw failed(step, error)
            }
        } else {
            reasons.append("provider '\(providerName)' does not offer both export and import of transcripts")
        }
        throw AgentwsError(
            .conflict,
            "cannot fork thread \(source): \(reasons.joined(separator: "; ")). Nothing was written."
        )
    }

    /// A copy under the source's own cursor would be the same conversation, not a fork.
    private func independent(_ copy: JSONValue, of cursor: JSONValue, _ provider: String, _ step: String)
        throws(ProviderError) -> JSONValue
    {
        guard copy != cursor else {
            throw ProviderError(
                .providerFailed,
                "provider '\(provider)' answered \(step) with the source conversation's own cursor \(JSONWriter.compactString(cursor)), so the fork would not be independent; nothing was written"
            )
        }
        return copy
    }
}
