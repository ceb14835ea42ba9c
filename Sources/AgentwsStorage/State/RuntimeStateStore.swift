import AgentwsCore
import AgentwsJSON

/// Runtime records under `state/threads/`: replaced atomically (never torn) but not fsynced, since
/// they are a per-machine cache of facts, not something to lose sleep over after a power cut.
struct RuntimeStateStore: Sendable {
    let directory: String

    func path(_ thread: ThreadID) -> String { directory + "/" + thread.rawValue + ".json" }

    func read(_ thread: ThreadID) -> RuntimeRecord? {
        guard let bytes = try? FileIO.readIfPresent(path(thread)),
            let json = try? JSONParser.parse(bytes: bytes)
        else {
            return nil
        }
        return RuntimeRecord(json: json)
    }

    func write(_ record: RuntimeRecord, for thread: ThreadID) throws(FileSystemError) {
        _ = try AtomicFile.write(
            JSONWriter.canonical(record.jsonValue), directory: directory, fileName: thread.rawValue + ".json",
            durable: false)
    }

    func delete(_ thread: ThreadID) throws(FileSystemError) {
        try FileIO.removeIfPresent(path(thread))
    }
}
