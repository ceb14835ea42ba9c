import AgentwsCore
import AgentwsJSON

/// The SQLite side of "open a workspace and list every binding": open the database, select every
/// row, close.
enum RuntimeListing {
    /// Reads every row's columns as Swift strings, in storage order: the least any SQLite-backed
    /// listing does. Returns the number of rows.
    static func rows(path: String) throws(BenchError) -> Int {
        let database = try SQLiteDatabase(path: path)
        let select = try database.prepare("SELECT \(RuntimeTable.columns) FROM provider_session_runtime")
        var count = 0
        var bytes = 0
        while try select.step() {
            for column in Int32(0)..<8 { bytes &+= select.text(column)?.utf8.count ?? 0 }
            count += 1
        }
        guard bytes > 0 || count == 0 else { throw BenchError("\(path): rows without text") }
        return count
    }

    /// Reads every row, sorted by thread like `BindingStore.list`, into the same `Binding` values
    /// the binding files give: the same result, with its JSON columns parsed and its ids and times
    /// validated as the file decoder does.
    static func bindings(path: String) throws -> [Binding] {
        let database = try SQLiteDatabase(path: path)
        let select = try database.prepare(
            "SELECT \(RuntimeTable.columns) FROM provider_session_runtime ORDER BY thread_id")
        var result: [Binding] = []
        while try select.step() {
            result.append(try binding(select))
        }
        return result
    }

    private static func binding(_ row: SQLiteStatement) throws -> Binding {
        guard let threadText = row.text(0), let provider = row.text(1), row.text(4) != nil,
            let payloadText = row.text(7)
        else {
            throw BenchError("a provider_session_runtime row is missing a column")
        }
        let thread = try ThreadID(threadText)
        let cursor = try row.text(6).map { text throws(JSONSyntaxError) in try JSONParser.parse(text) }
        let payload = try JSONParser.parse(payloadText)
        guard let cwd = payload["cwd"]?.stringValue, let createdText = payload["createdAt"]?.stringValue,
            let createdAt = UTCDateTime(rfc3339: createdText),
            let version = payload["schemaVersion"]?.integerValue
        else {
            throw BenchError(
                "thread \(threadText): runtime_payload_json lacks cwd, createdAt or schemaVersion")
        }
        let parent = try payload["parent"]?.stringValue.map { text throws in
            Binding.Parent(thread: try ThreadID(text))
        }
        return Binding(
            threadID: thread, provider: provider, model: payload["model"]?.stringValue, resumeCursor: cursor,
            cwd: cwd, runtimeMode: row.text(3), parent: parent, createdAt: createdAt, schemaVersion: version)
    }
}
