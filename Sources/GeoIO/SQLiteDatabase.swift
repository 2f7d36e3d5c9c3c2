import CSQLite
import Foundation

/// A SQLite database (for MBTiles), with errors carrying SQLite's message. Single-thread object.
public final class SQLiteDatabase {
    private var handle: OpaquePointer?
    public let path: String

    public init(creating path: String) throws {
        self.path = path
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw GeoError("open SQLite database \(path)", libraryMessage: message)
        }
    }

    public init(reading path: String) throws {
        self.path = path
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            throw GeoError("open SQLite database \(path)", libraryMessage: message)
        }
    }

    deinit { sqlite3_close(handle) }

    /// Runs SQL statements with no parameters.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>? = nil
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? ""
            sqlite3_free(error)
            throw GeoError("SQLite \(sql.prefix(60)) in \(path)", libraryMessage: message)
        }
    }

    /// A value bound to a statement parameter.
    public enum Value { case integer(Int), text(String), blob(Data) }

    /// Runs one statement with parameters bound in order (?1, ?2, …).
    public func run(_ sql: String, _ values: [Value]) throws {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self) // SQLITE_TRANSIENT: SQLite copies
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .integer(let v): sqlite3_bind_int64(statement, index, Int64(v))
            case .text(let v): sqlite3_bind_text(statement, index, v, -1, transient)
            case .blob(let v): _ = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32(v.count), transient) }
            }
        }
        guard sqlite3_step(statement) == SQLITE_DONE else { throw error(sql) }
    }

    /// Rows of a query, each column as text (blobs as their byte count).
    public func query(_ sql: String) throws -> [[String]] {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        var rows: [[String]] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw error(sql) }
            rows.append((0..<sqlite3_column_count(statement)).map { c in
                sqlite3_column_type(statement, c) == SQLITE_BLOB ? String(sqlite3_column_bytes(statement, c))
                    : sqlite3_column_text(statement, c).map { String(cString: $0) } ?? ""
            })
        }
        return rows
    }

    /// The first column of the first row as bytes (e.g. a tile), or nil.
    public func blob(_ sql: String, _ values: [Int]) throws -> Data? {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        for (i, v) in values.enumerated() { sqlite3_bind_int64(statement, Int32(i + 1), Int64(v)) }
        guard sqlite3_step(statement) == SQLITE_ROW, let bytes = sqlite3_column_blob(statement, 0) else { return nil }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(statement, 0)))
    }

    private func prepare(_ sql: String) throws -> OpaquePointer? {
        var statement: OpaquePointer? = nil
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else { throw error(sql) }
        return statement
    }

    private func error(_ sql: String) -> GeoError {
        GeoError("SQLite \(sql.prefix(60)) in \(path)", libraryMessage: String(cString: sqlite3_errmsg(handle)))
    }
}
