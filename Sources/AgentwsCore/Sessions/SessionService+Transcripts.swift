import AgentwsJSON

/// What a capture did (SPEC §11), for the runtime record, `show` and tests.
public enum CaptureOutcome: Sendable, Equatable {
    /// A new transcript (or a new cursor for it) was written.
    case written(size: Int64)
    /// The provider's transcript is the one already held: nothing written.
    case unchanged
    /// Nothing captured by design, for the reason given (mode `off`, a provider that cannot export,
    /// no conversation yet): not worth a warning, shown by `show`.
    case skipped(String)
    /// Nothing captured although it should have been (over `max_size`, an export or a write that
    /// failed): a warning to whoever stopped the session, and shown by `show`.
    case failed(String)
}

/// What a restore attempt found.
enum RestoreOutcome {
    case restored(cursor: JSONValue, capturedAt: UTCDateTime)
    case unusable(String)
}

/// What a check for a newer workspace transcript before a resume did.
enum AdoptOutcome {
    /// Nothing to adopt: no held transcript of this cursor, the same hash as this machine's copy, or
    /// no known hash (no evidence either way).
    case nothingNewer
    /// The provider replaced its copy with the workspace transcript captured then.
    case adopted(capturedAt: UTCDateTime)
    /// The workspace transcript is newer but was not adopted, for `reason`: this machine's copy goes on.
    case split(capturedAt: UTCDateTime, reason: String)
}

extension SessionService {
    /// Captures the transcript of the conversation `conversation` names, after its session stopped
    /// (any stop cause). The caller holds the thread's lease. Never throws: a capture that cannot
    /// happen is recorded in this machine's state (and returned), the stop goes on.
    /// (`package` for the benchmark, which measures a capture against the floor's write.)
    @discardableResult
    package func captureTranscript(_ thread: ThreadID, conversation: Binding) async -> CaptureOutcome {
        let outcome = await attemptCapture(thread, conversation: conversation)
        var record = store.readRuntime(thread) ?? RuntimeRecord()
        switch outcome {
        case .written, .unchanged:
            record.transcriptNote = nil
            // The held transcript now is this machine's copy of the conversation.
            if let sha256 = try? transcripts?.manifest(of: thread)?.sha256 {
                record.knownTranscriptSHA256 = sha256
            }
        case .skipped(let reason), .failed(let reason):
            record.transcriptNote = reason
        }
        if record != store.readRuntime(thread) { try? store.writeRuntime(record, for: thread) }
        return outcome
    }

    private func attemptCapture(_ thread: ThreadID, conversation: Binding) async -> CaptureOutcome {
        guard let transcripts else { return .skipped("this agentws keeps no transcripts") }
        let settings = configuration.transcripts
        guard settings.mode != .off else { return .skipped("transcripts.mode is off") }
        guard let cursor = conversation.resumeCursor else {
            return .skipped("the thread has no provider conversation yet")
        }
        let providerName = conversation.provider
        let provider: any Provider
        let capabilities: ProviderCapabilities
        do {
            provider = try await providers.provider(named: providerName)
            capabilities = try await self.capabilities(of: providerName)
        } catch {
            return .failed("provider '\(providerName)' is not available: \(error)")
        }
        guard capabilities.canExport else {
            return .skipped("provider '\(providerName)' cannot export transcripts; nothing is captured")
        }
        let staging: String
        do {
            staging = try store.makeScratchFile("transcript-\(thread.rawValue)")
        } catch {
            return .failed("no scratch file for the export: \(error)")
        }
        defer { store.removeScratchFile(staging) }
        do {
            let exported = try await provider.exportTranscript(
                TranscriptExportRequest(
                    thread: thread, cursor: cursor, cwd: absoluteCwd(conversation.cwd), destination: staging))
            guard let size = try transcripts.scratchSize(staging) else {
                return .failed("provider '\(providerName)' answered export but wrote no file")
            }
            if size > settings.maxSize.bytes {
                return .failed(
                    "the \(providerName) transcript is \(ConfigByteSize(bytes: size).approximate), over transcripts.max_size (\(settings.maxSize)); not captured, the held one (if any) is kept"
                )
            }
            let bytes = try transcripts.readScratch(staging)
            let manifest = TranscriptManifest(
                thread: thread, provider: providerName, format: exported.format, cursor: cursor,
                size: Int64(bytes.count), sha256: SHA256.hex(of: bytes), capturedAt: wallClock())
            if heldTranscriptIsWhole(thread, sameAs: manifest, bytes: bytes) { return .unchanged }
            try transcripts.install(bytes, manifest: manifest)
            return .written(size: manifest.size)
        } catch let error as ProviderError {
            return .failed("exporting the \(providerName) transcript failed: \(error.message)")
        } catch {
            return .failed("storing the \(providerName) transcript failed: \(error)")
        }
    }

    /// Whether the workspace already holds exactly this transcript, whole: its manifest describes
    /// the same content (size, hash, provider, format, cursor) and its file is these bytes. The export
    /// is hashed once (`manifest.sha256`); the held file is not hashed again, but compared byte for
    /// byte with the export — equal bytes with the manifest's hash prove it whole, and a held file
    /// that fails its manifest (damaged, edited) differs from the export and is replaced. Where the
    /// sizes differ (the usual case after a turn) the held file is not even read.
    private func heldTranscriptIsWhole(
        _ thread: ThreadID, sameAs manifest: TranscriptManifest, bytes: [UInt8]
    )
        -> Bool
    {
        guard let transcripts, let held = try? transcripts.manifest(of: thread),
            held.sameContent(as: manifest),
            let heldBytes = try? transcripts.heldBytesUnchecked(held)
        else { return false }
        return heldBytes == bytes
    }

    /// SPEC §11 restore: the provider lacks the conversation behind `cursor`; if the workspace holds
    /// a transcript of exactly that conversation, whole, the provider imports it and answers the
    /// cursor to resume. Otherwise says why the transcript was not usable.
    func restoreFromTranscript(
        _ thread: ThreadID, provider: any Provider, providerName: String, cursor: JSONValue, cwd: String
    ) async -> RestoreOutcome {
        guard let transcripts else { return .unusable("this agentws keeps no transcripts") }
        let held: (manifest: TranscriptManifest, bytes: [UInt8])
        do {
            guard let found = try transcripts.readHeld(thread) else {
                return .unusable("the workspace holds no transcript of thread \(thread)")
            }
            held = found
        } catch {
            return .unusable("the workspace transcript of thread \(thread) is not usable: \(error)")
        }
        let manifest = held.manifest
        guard manifest.provider == providerName else {
            return .unusable(
                "the workspace transcript was captured from provider '\(manifest.provider)', not '\(providerName)'"
            )
        }
        guard manifest.cursor == cursor else {
            return .unusable(
                "the workspace transcript belongs to cursor \(JSONWriter.compactString(manifest.cursor)), not to this one"
            )
        }
        let capabilities: ProviderCapabilities
        do {
            capabilities = try await self.capabilities(of: providerName)
        } catch {
            return .unusable("provider '\(providerName)' is not available: \(error)")
        }
        guard capabilities.canImport else {
            return .unusable("provider '\(providerName)' cannot import transcripts")
        }
        let restored: JSONValue
        switch await importHeld(
            held.bytes, of: manifest, into: provider, thread: thread, cwd: cwd, purpose: "restore")
        {
        case .success(let answered): restored = answered
        case .failure(.staging(let reason)): return .unusable(reason)
        case .failure(.provider(let error)):
            return .unusable("provider '\(providerName)' refused the workspace transcript: \(error.message)")
        }
        if restored != cursor {
            // The transcript now is the conversation behind the new cursor: say so at once, so that a
            // later restore of the updated binding can use it.
            var moved = manifest
            moved.cursor = restored
            try? transcripts.writeManifest(moved)
        }
        rememberTranscript(thread, sha256: manifest.sha256)
        return .restored(cursor: restored, capturedAt: manifest.capturedAt)
    }

    /// Records in this machine's state that its provider copy of the thread's conversation equals the
    /// transcript with this hash (after an import, a restore, an adoption). Best effort: a record that
    /// cannot be written only means the next send has no evidence to adopt a newer transcript.
    func rememberTranscript(_ thread: ThreadID, sha256: String) {
        var record = store.readRuntime(thread) ?? RuntimeRecord()
        guard record.knownTranscriptSHA256 != sha256 else { return }
        record.knownTranscriptSHA256 = sha256
        try? store.writeRuntime(record, for: thread)
    }

    /// Before a send resumes `cursor` (no live session): if the workspace holds a whole transcript of
    /// exactly this provider and cursor whose hash differs from the one this machine's copy is known
    /// to equal, it came from elsewhere (git) and is newer. A provider that can replace its copy is
    /// asked to; one that cannot goes on with its own copy, and the caller warns that the
    /// conversation split. Without a known hash there is no evidence either way: nothing happens.
    func adoptNewerTranscript(
        _ thread: ThreadID, provider: any Provider, providerName: String, cursor: JSONValue, cwd: String
    ) async -> AdoptOutcome {
        // The small manifest decides; the transcript is read (and checked against it) only when it
        // names another content, since this runs before every resume.
        guard let transcripts, let known = store.readRuntime(thread)?.knownTranscriptSHA256,
            let described = try? transcripts.manifest(of: thread), described.provider == providerName,
            described.cursor == cursor, described.sha256 != known,
            let held = try? transcripts.readHeld(thread), held.manifest == described
        else { return .nothingNewer }
        let manifest = held.manifest
        let capabilities: ProviderCapabilities
        do {
            capabilities = try await self.capabilities(of: providerName)
        } catch {
            return .split(
                capturedAt: manifest.capturedAt,
                reason: "provider '\(providerName)' is not available: \(error)")
        }
        guard capabilities.canImport, capabilities.canReplace else {
            return .split(
                capturedAt: manifest.capturedAt,
                reason: "provider '\(providerName)' cannot replace its copy of a conversation")
        }
        switch await importHeld(
            held.bytes, of: manifest, into: provider, thread: thread, cwd: cwd, replace: true,
            purpose: "adopt")
        {
        case .success(let answered) where answered == cursor:
            break
        case .success(let answered):
            return .split(
                capturedAt: manifest.capturedAt,
                reason:
                    "provider '\(providerName)' answered the replace with cursor \(JSONWriter.compactString(answered)), not the same one"
            )
        case .failure(.provider(let error)) where error.code == .notFound:
            // This machine has no copy at all: the resume fails and the transcript restores it.
            return .nothingNewer
        case .failure(.provider(let error)):
            return .split(
                capturedAt: manifest.capturedAt,
                reason: "provider '\(providerName)' refused to replace its copy: \(error.message)")
        case .failure(.staging(let reason)):
            return .split(capturedAt: manifest.capturedAt, reason: reason)
        }
        rememberTranscript(thread, sha256: manifest.sha256)
        return .adopted(capturedAt: manifest.capturedAt)
    }

    /// Why handing a held transcript to the provider failed.
    enum HeldImportFailure: Error {
        /// The scratch copy under `state/` could not be written (the reason, ready to show).
        case staging(String)
        case provider(ProviderError)
    }

    /// Hands a held transcript to the provider's `import` (restore, adoption) through a scratch copy
    /// under `state/`, removed afterwards: a plugin never reads inside the workspace proper.
    private func importHeld(
        _ bytes: [UInt8], of manifest: TranscriptManifest, into provider: any Provider, thread: ThreadID,
        cwd: String, replace: Bool = false, purpose: String
    ) async -> Result<JSONValue, HeldImportFailure> {
        guard let transcripts else { return .failure(.staging("this agentws keeps no transcripts")) }
        let staging: String
        do {
            staging = try store.makeScratchFile("\(purpose)-\(thread.rawValue)")
            try transcripts.writeScratch(bytes, to: staging)
        } catch {
            return .failure(.staging("staging the transcript for import failed: \(error)"))
        }
        defer { store.removeScratchFile(staging) }
        do throws(ProviderError) {
            return .success(
                try await provider.importTranscript(
                    TranscriptImportRequest(
                        thread: thread, cwd: cwd, source: staging, format: manifest.format,
                        cursor: manifest.cursor, replace: replace)))
        } catch {
            return .failure(.provider(error))
        }
    }

    /// Whether a session's conversation may be captured after a `changed` stop: only when the file
    /// still names the same provider and cursor (a pull may have brought another clone's newer
    /// conversation, whose transcript must not be overwritten with this one).
    func mayCaptureAfterChange(_ thread: ThreadID, session: Binding) -> Bool {
        guard let file = try? store.readBinding(thread) else { return false }
        return file.provider == session.provider && file.resumeCursor == session.resumeCursor
    }
}

extension ConfigByteSize {
    /// The size for messages: `1.5 MiB`, `312 KiB`, `900 B`.
    public var approximate: String {
        let units: [(String, Double)] = [("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024)]
        for (unit, size) in units where Double(bytes) >= size {
            let value = Double(bytes) / size
            let rounded = (value * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int64(rounded)) \(unit)" : "\(rounded) \(unit)"
        }
        return "\(bytes) B"
    }
}
