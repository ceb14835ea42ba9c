/// Where the session service keeps transcripts (SPEC §11): `transcripts/<thread>/` with its manifest.
/// Providers write exports to and read imports from the thread store's scratch files
/// (`ThreadStore.makeScratchFile`, in `state/`); this store reads and fills those files. An interface,
/// so that the capture and restore logic runs against memory in tests and against `.agentws/` on disk
/// in the product. Writers of one thread hold its lease.
public protocol TranscriptStore: Sendable {
    /// The size of the regular file at a scratch path, or nil when there is none.
    func scratchSize(_ path: String) throws -> Int64?
    func readScratch(_ path: String) throws -> [UInt8]
    /// Writes `bytes` to a scratch path where nothing is yet (for a provider's `import`).
    func writeScratch(_ bytes: [UInt8], to path: String) throws

    /// The thread's manifest; nil when the workspace holds no transcript for it. Throws a
    /// `TranscriptProblem` when there is one it cannot read.
    func manifest(of thread: ThreadID) throws -> TranscriptManifest?
    /// The transcript the manifest names, checked against it (size and hash); nil when the workspace
    /// holds none. Throws a `TranscriptProblem` saying why it is not usable.
    func readHeld(_ thread: ThreadID) throws -> (manifest: TranscriptManifest, bytes: [UInt8])?
    /// The bytes of the transcript file `manifest` names, as they are on disk — **not** checked
    /// against the manifest; nil when the file is missing. Only for comparing with bytes the caller
    /// has hashed itself (capture: an export whose hash is the manifest's and whose bytes are the
    /// held file's proves the held file whole without hashing it again). Anything that uses a held
    /// transcript reads it with `readHeld`.
    func heldBytesUnchecked(_ manifest: TranscriptManifest) throws -> [UInt8]?
    /// Makes `bytes` the thread's transcript, described by `manifest`: the transcript file first,
    /// then the manifest, each atomically, then older transcript files go. A crash at any instant
    /// leaves the old transcript or the new one, each with its manifest.
    func install(_ bytes: [UInt8], manifest: TranscriptManifest) throws
    /// Replaces only the manifest (the same transcript under another cursor).
    func writeManifest(_ manifest: TranscriptManifest) throws
    /// Removes the thread's transcript and manifest; returns whether there was one.
    @discardableResult
    func removeHeld(_ thread: ThreadID) throws -> Bool
}
