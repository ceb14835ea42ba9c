import AgentwsCore
import AgentwsJSON

/// The SQLite baseline: a table shaped like t3code's `provider_session_runtime` (one row per thread;
/// columns as created by its migration 004_ProviderSessionRuntime, with its two secondary indexes),
/// in WAL mode with `synchronous=FULL`, so that every committed upsert is durable like a binding
/// write.
///
/// t3code keeps no model, cwd or creation time in columns of their own; they go into
/// `runtime_payload_json` here, and the cursor into `resume_cursor_json`, so the row carries the
/// same facts as the binding file.
final class RuntimeTable {
    let database: SQLiteDatabase
    private let upsert: SQLiteStatement

    static let columns =
        "thread_id, provider_name, adapter_key, runtime_mode, status, last_seen_at, resume_cursor_json, "
        + "runtime_payload_json"

    init(path: String) throws(BenchError) {
        database = try SQLiteDatabase(path: path)
        guard try database.scalar("PRAGMA journal_mode=WAL")?.lowercased() == "wal" else {
            throw BenchError("\(path): SQLite refused WAL mode")
        }
        try database.execute("PRAGMA synchronous=FULL")
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS provider_session_runtime (
              thread_id TEXT PRIMARY KEY, provider_name TEXT NOT NULL, adapter_key TEXT NOT NULL,
              runtime_mode TEXT NOT NULL DEFAULT 'full-access', status TEXT NOT NULL,
              last_seen_at TEXT NOT NULL, resume_cursor_json TEXT, runtime_payload_json TEXT);
            CREATE INDEX IF NOT EXISTS idx_provider_session_runtime_status
              ON provider_session_runtime(status);
            CREATE INDEX IF NOT EXISTS idx_provider_session_runtime_provider
              ON provider_session_runtime(provider_name);
            """)
        upsert = try database.prepare(
            """
            INSERT INTO provider_session_runtime (\(Self.columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            ON CONFLICT(thread_id) DO UPDATE SET provider_name = excluded.provider_name,
              adapter_key = excluded.adapter_key, runtime_mode = excluded.runtime_mode,
              status = excluded.status, last_seen_at = excluded.last_seen_at,
              resume_cursor_json = excluded.resume_cursor_json,
              runtime_payload_json = excluded.runtime_payload_json
            """)
    }

    /// Upserts the row of `binding` in its own transaction (autocommit): one durable commit.
    func write(_ binding: Binding, lastSeenAt: String) throws(BenchError) {
        upsert.reset()
        try upsert.bind(1, binding.threadID.rawValue)
        try upsert.bind(2, binding.provider)
        try upsert.bind(3, binding.provider)
        try upsert.bind(4, binding.runtimeMode ?? "full-access")
        // t3code's row carries a session status; a binding does not (it lives in state/), so the
        // baseline writes a constant one.
        try upsert.bind(5, "stopped")
        try upsert.bind(6, lastSeenAt)
        try upsert.bind(7, binding.resumeCursor.map { JSONWriter.compactString($0) })
        try upsert.bind(8, JSONWriter.compactString(Self.payload(of: binding)))
        while try upsert.step() {}
    }

    /// Everything else a binding holds, as t3code would keep it: in the JSON payload column.
    static func payload(of binding: Binding) -> JSONValue {
        [
            "schemaVersion": .integer(binding.schemaVersion), "model": .optional(binding.model),
            "cwd": .string(binding.cwd), "parent": .optional(binding.parent?.thread.rawValue),
            "createdAt": .string(binding.createdAt.description),
        ]
    }

    /// Writes many rows in one transaction: set-up only.
    func fill(_ bindings: [Binding], lastSeenAt: String) throws(BenchError) {
        try database.execute("BEGIN")
        for binding in bindings { try write(binding, lastSeenAt: lastSeenAt) }
        try database.execute("COMMIT")
    }
}
