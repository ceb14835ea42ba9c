import AgentwsCore
import AgentwsJSON
import AgentwsSystem

/// Runtime records under `state/threads/`: replaced atomically (never torn) but not fsynced, since
/// they are a per-machine cache of facts, not something to lose sleep over after a power cut.
///
/// Beside them, `state/owners/` holds one empty file per thread whose record names an owner, so
/// that the reaper finds the threads to reconcile by reading one small directory instead of every
/// record. It is derived from the records and kept a superset of them: the marker is created before
/// a record names an owner and removed after it stops naming one.
struct RuntimeStateStore: Sendable {
    let directory: String
    let ownersDirectory: String

    func path(_ thread: ThreadID) -> String { directory + "/" + thread.rawValue + ".json" }
    func ownerMarker(_ thread: ThreadID) -> String { ownersDirectory + "/" + thread.rawValue }

    func read(_ thread: ThreadID) -> RuntimeRecord? {
        guard let bytes = try? FileIO.readIfPresent(path(thread)),
            let json = try? JSONParser.parse(bytes: bytes)
        else {
            return nil
        }
        return RuntimeRecord(json: json)
    }

    func write(_ record: RuntimeRecord, for thread: ThreadID) throws(SystemError) {
        if record.ownerPID != nil, !FileIO.exists(ownerMarker(thread)) {
            try FileIO.touch(ownerMarker(thread))
        }
        _ = try AtomicFile.write(
            JSONWriter.canonical(record.jsonValue), directory: directory, fileName: thread.rawValue + ".json",
            durable: false)
        if record.ownerPID == nil { try FileIO.removeIfPresent(ownerMarker(thread)) }
    }

    func delete(_ thread: ThreadID) throws(SystemError) {
        try FileIO.removeIfPresent(path(thread))
        try FileIO.removeIfPresent(ownerMarker(thread))
    }

    /// The threads with an owner marker.
    func threadsWithOwnerMarker() -> [ThreadID] {
        guard let listing = try? OpenDirectory(ownersDirectory) else { return [] }
        return listing.names().compactMap { try? ThreadID($0) }.sorted()
    }
}
