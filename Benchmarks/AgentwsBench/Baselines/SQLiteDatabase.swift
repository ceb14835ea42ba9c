import CSQLite

/// A thin handle on an SQLite database, enough for the baselines.
final class SQLiteDatabase {
    private let handle: OpaquePointer
    let path: String

    init(path: String) throws(BenchError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw BenchError("\(path): cannot open the SQLite database: \(message)")
        }
        self.handle = handle
        self.path = path
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws(BenchError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw BenchError("\(path): \(sql): \(text)")
        }
    }

    func prepare(_ sql: String) throws(BenchError) -> SQLiteStatement {
        var statement: OpaquePointer?
        guard
            sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
                == SQLITE_OK,
            let statement
        else {
            throw BenchError("\(path): cannot prepare \(sql): \(errorMessage)")
        }
        return SQLiteStatement(statement: statement, database: self)
    }

    /// The first column of the first row of `sql` as text.
    func scalar(_ sql: String) throws(BenchError) -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A prepared statement; reset before each use.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private let database: SQLiteDatabase

    /// SQLite copies bound text right away (`SQLITE_TRANSIENT`), so Swift strings need not outlive
    /// the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    func bind(_ index: Int32, _ text: String?) throws(BenchError) {
        let status: Int32
        if let text {
            status = sqlite3_bind_text(statement, index, text, -1, Self.transient)
        } else {
            status = sqlite3_bind_null(statement, index)
        }
        guard status == SQLITE_OK else {
            throw BenchError("cannot bind parameter \(index): \(database.errorMessage)")
        }
    }

    /// Runs to the next row; false when done.
    func step() throws(BenchError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw BenchError("\(database.path): step failed: \(database.errorMessage)")
        }
    }

    /// Column `index` of the current row as a string, nil for NULL.
    func text(_ index: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, index) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
