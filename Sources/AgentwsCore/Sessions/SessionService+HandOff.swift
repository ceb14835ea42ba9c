import AgentwsJSON

/// What `importThread` did.
public struct ThreadImportResult: Sendable, Equatable {
    public var binding: Binding
    /// Whether a transcript was imported into the provider (false for a thread without one).
    public var transcriptImported: Bool
    /// Whether the provider answered another cursor than the exported one.
    public var cursorChanged: Bool
}

extension SessionService {
    /// `agentws export ID` (SPEC §11): the thread as one hand-off file. The transcript is exported
    /// from the provider now; when the provider no longer has the conversation, the workspace's
    /// transcript of that very cursor is used. A thread whose conversation is in neither is refused,
    /// naming both reasons.
    public func exportThread(_ thread: ThreadID) async throws -> ThreadHandOff {
        guard let binding = try store.readBinding(thread) else {
            throw AgentwsError(
                .notFound,
                "thread \(thread) has no binding, so there is nothing to export; 'agentws list' shows the bound threads"
            )
        }
        guard let cursor = binding.resumeCursor else {
            return ThreadHandOff(binding: binding, transcript: nil)
        }
        let providerName = binding.provider
        var reasons: [String] = []
        let capabilities = try await capabilities(of: providerName)
        if capabilities.canExport, let transcripts {
            let provider = try await providers.provider(named: providerName)
            let scratch = try store.makeScratchFile("export-\(thread.rawValue)")
            defer { store.removeScratchFile(scratch) }
            do {
                let exported = try await provider.exportTranscript(
                    TranscriptExportRequest(
                        thread: thread, cursor: cursor, cwd: absoluteCwd(binding.cwd), destination: scratch))
                guard try transcripts.scratchSize(scratch) != nil else {
                    throw ProviderError(.providerFailed, "it answered export but wrote no file")
                }
                let bytes = try transcripts.readScratch(scratch)
                let manifest = TranscriptManifest(
                    thread: thread, provider: providerName, format: exported.format, cursor: cursor,
                    size: Int64(bytes.count), sha256: SHA256.hex(of: bytes), capturedAt: wallClock())
                return ThreadHandOff(binding: binding, transcript: (manifest, bytes))
            } catch let error as ProviderError {
                reasons.append("provider '\(providerName)' could not export it (\(error.message))")
            }
        } else {
            reasons.append("provider '\(providerName)' cannot export transcripts")
        }
        do {
            if let held = try transcripts?.readHeld(thread) {
                if held.manifest.cursor == cursor && held.manifest.provider == providerName {
                    return ThreadHandOff(binding: binding, transcript: held)
                }
                reasons.append("the workspace transcript is of another cursor")
            } else {
                reasons.append("the workspace holds no transcript of it")
            }
        } catch {
            reasons.append("the workspace transcript is not usable (\(error))")
        }
        throw AgentwsError(
            .providerFailure,
            "cannot export thread \(thread): its conversation (cursor \(JSONWriter.compactString(cursor))) is not available: \(reasons.joined(separator: "; ")). A binding without its conversation would not resume elsewhere."
        )
    }

    /// `agentws import FILE [--thread ID] [--cwd DIR]` (SPEC §11): binds the hand-off's thread here
    /// (under `requested` when given, working in `cwd` — relative to the workspace root — when given,
    /// else in the exported one) and makes its conversation resumable: the provider imports the
    /// transcript, the transcript is kept under `transcripts/<thread>/`, and the binding is written
    /// last, with the cursor the provider answered. A thread that exists is refused; on any failure
    /// nothing is left behind (no binding, no transcript directory).
    public func importThread(
        _ handOff: ThreadHandOff, as requested: ThreadID? = nil, cwd: String? = nil
    ) async throws -> ThreadImportResult {
        let thread = requested ?? handOff.binding.threadID
        return try await withGate(thread) {
            guard configuration.providers[handOff.binding.provider] != nil else {
                throw AgentwsError(
                    .notFound,
                    "the export is bound to provider '\(handOff.binding.provider)', which this workspace does not configure; add it under 'providers:' (with the same plugin) and import again"
                )
            }
            let lease = try await acquireLease(thread, wait: false, events: nil)
            defer { lease.release() }
            if let existing = try? store.readBinding(thread) {
                throw AgentwsError(
                    .conflict,
                    "thread \(thread) exists already (bound to provider '\(existing.provider)'); import under another id with --thread, or 'agentws unbind \(thread)' first"
                )
            }
            var binding = handOff.binding
            binding.threadID = thread
            if let cwd { binding.cwd = cwd }
            binding.schemaVersion = Binding.currentSchemaVersion
            guard let (exported, bytes) = handOff.transcript else {
                try store.writeBinding(binding, lease: lease)
                return ThreadImportResult(binding: binding, transcriptImported: false, cursorChanged: false)
            }
            let providerName = binding.provider
            let capabilities = try await capabilities(of: providerName)
            guard capabilities.canImport, let transcripts else {
                throw AgentwsError(
                    .providerFailure,
                    "provider '\(providerName)' cannot import transcripts here, so thread \(thread) would not resume; nothing was imported"
                )
            }
            let provider = try await providers.provider(named: providerName)
            let scratch = try store.makeScratchFile("import-\(thread.rawValue)")
            defer { store.removeScratchFile(scratch) }
            try transcripts.writeScratch(bytes, to: scratch)
            let cursor: JSONValue
            let request = TranscriptImportRequest(
                thread: thread, cwd: absoluteCwd(binding.cwd), source: scratch, format: exported.format,
                cursor: exported.cursor)
            do throws(ProviderError) {
                cursor = try await provider.importTranscript(request)
            } catch {
                throw ProviderError(
                    error.code,
                    "provider '\(providerName)' refused the transcript of thread \(thread): \(error.message)")
            }
            var manifest = exported
            manifest.thread = thread
            manifest.cursor = cursor
            binding.resumeCursor = cursor
            do {
                try transcripts.install(bytes, manifest: manifest)
                try store.writeBinding(binding, lease: lease)
            } catch {
                _ = try? transcripts.removeHeld(thread)
                throw error
            }
            rememberTranscript(thread, sha256: manifest.sha256)
            return ThreadImportResult(
                binding: binding, transcriptImported: true, cursorChanged: cursor != exported.cursor)
        }
    }
}
