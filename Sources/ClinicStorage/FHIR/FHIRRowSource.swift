import ClinicDomain
import Foundation
import SQLKit
import SQLiteKit

/// One column an export query reads, with the Swift type it is decoded as.
public struct FHIRColumn: Sendable {
    /// How the column's values are decoded.
    public enum Kind: Sendable { case text, integer, boolean }
    /// The SQL expression, e.g. `p.given_name` or a correlated sub-select.
    public let expression: String
    /// The name the row is read by (the `AS` alias).
    public let name: String
    /// How its value is decoded.
    public let kind: Kind

    /// A column read as `name`.
    public init(_ expression: String, as name: String? = nil, _ kind: Kind = .text) {
        self.expression = expression
        self.name = name ?? String(expression.split(separator: ".").last ?? Substring(expression))
        self.kind = kind
    }
}

/// One stored value of an export row.
public enum FHIRCell: Sendable, Equatable {
    /// SQL NULL.
    case null
    /// A text value.
    case text(String)
    /// An integer value (instants are milliseconds).
    case integer(Int64)
    /// A boolean value.
    case boolean(Bool)
}

/// One row of a FHIR source query: its cells by column name. The FHIR mapping reads these; the SQL
/// that made them stays in this module.
public struct FHIRRow: Sendable {
    /// Column index by name, shared by all rows of one table.
    let index: [String: Int]
    /// The cells, in column order.
    let cells: [FHIRCell]

    /// The text in `column`, or nil when NULL.
    public func text(_ column: String) -> String? {
        guard let i = index[column], case .text(let value) = cells[i] else { return nil }
        return value
    }

    /// The integer in `column`, or nil when NULL.
    public func integer(_ column: String) -> Int64? {
        guard let i = index[column] else { return nil }
        switch cells[i] {
        case .integer(let value): return value
        case .boolean(let value): return value ? 1 : 0
        default: return nil
        }
    }

    /// The instant stored as milliseconds in `column`.
    public func instant(_ column: String) -> Date? { integer(column).map(Date.init(millisecondsSince1970:)) }

    /// The boolean in `column` (an integer 0/1 on SQLite).
    public func boolean(_ column: String) -> Bool? {
        guard let i = index[column] else { return nil }
        switch cells[i] {
        case .boolean(let value): return value
        case .integer(let value): return value != 0
        default: return nil
        }
    }

    /// A row built by hand (tests, fixed sources).
    public init(_ values: [String: FHIRCell]) {
        let names = values.keys.sorted()
        index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        cells = names.map { values[$0]! }
    }

    init(index: [String: Int], cells: [FHIRCell]) {
        self.index = index
        self.cells = cells
    }
}

/// How a date search column stores its value.
public enum FHIRDateColumnKind: Sendable {
    /// Milliseconds since 1970 UTC (`BIGINT`).
    case milliseconds
    /// A calendar day as `YYYY-MM-DD` text.
    case day
}

/// A table (or join) the FHIR resources of one kind are read from: its columns, its keyset key and
/// the columns each search filter narrows on. Every query is keyset-paged on `key`, so page 1,000
/// costs what page 1 costs.
public struct FHIRTable: Sendable {
    /// Names the source in cursors.
    public let name: String
    /// Columns read.
    public let columns: [FHIRColumn]
    /// `FROM …` with any joins, without `WHERE`.
    public let from: String
    /// Conditions every row meets (current versions only, a section…), joined with AND.
    public let conditions: [String]
    /// The unique key the rows are ordered and paged by.
    public let key: String
    /// True when the key is an integer (the audit trail's sequence), false for text ids.
    public let keyIsInteger: Bool
    /// The clinic the row belongs to, when the table is per clinic.
    public let clinic: String?
    /// True when rows whose clinic column is NULL (entries about no patient) belong to every clinic.
    public let keepsRowsWithoutClinic: Bool
    /// The patient the row is about, when it is.
    public let patient: String?
    /// The column a date search narrows on, and how it is stored.
    public let date: (expression: String, kind: FHIRDateColumnKind)?
    /// The column `_lastUpdated` narrows on (milliseconds).
    public let lastUpdated: String?

    let index: [String: Int]

    /// A source table.
    public init(name: String, columns: [FHIRColumn], from: String, conditions: [String] = [], key: String,
                keyIsInteger: Bool = false, clinic: String?, keepsRowsWithoutClinic: Bool = false, patient: String?,
                date: (expression: String, kind: FHIRDateColumnKind)?, lastUpdated: String?) {
        self.name = name
        self.columns = columns
        self.from = from
        self.conditions = conditions
        self.key = key
        self.keyIsInteger = keyIsInteger
        self.clinic = clinic
        self.keepsRowsWithoutClinic = keepsRowsWithoutClinic
        self.patient = patient
        self.date = date
        self.lastUpdated = lastUpdated
        self.index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1.name, $0) })
    }
}

/// One bound of a range filter: the value compared with `>=` or `<`.
public struct FHIRBound<Value: Sendable>: Sendable {
    /// The value.
    public let value: Value
    /// True for `>=`, false for `<`.
    public let isLower: Bool

    /// A bound.
    public init(_ value: Value, isLower: Bool) {
        self.value = value
        self.isLower = isLower
    }
}

/// What one page query narrows on; every part is optional.
public struct FHIRRowFilter: Sendable {
    /// Only this clinic's rows.
    public var clinicID: UUID?
    /// Only rows about these patients.
    public var patientIDs: [UUID]?
    /// Instants (milliseconds) the date column must meet.
    public var dateMilliseconds: [FHIRBound<Int64>] = []
    /// Days (`YYYY-MM-DD`) a day-valued date column must meet.
    public var dateDays: [FHIRBound<String>] = []
    /// Instants (milliseconds) the last-updated column must meet.
    public var lastUpdated: [FHIRBound<Int64>] = []
    /// Only the row with this key.
    public var key: String?

    /// A filter.
    public init(clinicID: UUID? = nil, patientIDs: [UUID]? = nil) {
        self.clinicID = clinicID
        self.patientIDs = patientIDs
    }
}

/// Where a keyset page starts: after `key`, or at it (inclusive) when part of that row's resources
/// were already returned.
public struct FHIRKeyPosition: Sendable, Equatable {
    /// The key.
    public let key: String
    /// True to include the row with `key` itself.
    public let inclusive: Bool

    /// A position.
    public init(key: String, inclusive: Bool) {
        self.key = key
        self.inclusive = inclusive
    }
}

/// Reads FHIR source rows page by page: one query per batch, keyset on the table's key, never a
/// query per row (children come through joins or correlated sub-selects on indexed columns).
public struct FHIRRowReader: Sendable {
    private let database: ClinicDatabase

    /// A reader of `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Up to `limit` rows of `table` matching `filter`, in key order, from `position`. On SQLite the
    /// values are read as the engine holds them (SQLKit's generic row decoding costs more than the
    /// query itself on a long export); on PostgreSQL through SQLKit.
    public func page(_ table: FHIRTable, filter: FHIRRowFilter, from position: FHIRKeyPosition?, limit: Int) async throws -> [FHIRRow] {
        let parts = Self.parts(table, filter: filter, from: position, limit: limit, sqlite: database.engine == .sqlite)
        if let rows = try await database.readSQLite({ connection -> [FHIRRow] in
            var sql = ""
            var binds: [SQLiteData] = []
            for part in parts {
                switch part {
                case .raw(let text): sql += text
                case .text(let value): binds.append(.text(value)); sql += "?\(binds.count)"
                case .integer(let value): binds.append(.integer(SQLiteInt64(value))); sql += "?\(binds.count)"
                }
            }
            return try await connection.query(sql, binds).map { Self.decode($0, table: table) }
        }) {
            return rows
        }
        var sql = SQLQueryString("")
        for part in parts {
            switch part {
            case .raw(let text): sql.appendInterpolation(unsafeRaw: text)
            case .text(let value): sql.appendInterpolation(bind: value)
            case .integer(let value): sql.appendInterpolation(bind: value)
            }
        }
        let query = sql
        return try await database.read { db in
            try await db.raw(query).all().map { try Self.decode($0, table: table) }
        }
    }

    /// The number of rows in the table's first (base) table: an upper bound for progress bars that
    /// costs no join and no condition.
    public func estimatedRows(_ table: FHIRTable) async throws -> Int {
        let base = table.from.components(separatedBy: " JOIN ")[0].components(separatedBy: " LEFT")[0]
        return try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: base)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// The key of a row read from `table`.
    public static func key(of row: FHIRRow, in table: FHIRTable) -> String {
        let name = table.columns.first { $0.expression == table.key }?.name ?? "id"
        if table.keyIsInteger { return row.integer(name).map(String.init) ?? "" }
        return row.text(name) ?? ""
    }

    /// One piece of a query: SQL text or a bound value.
    enum QueryPart: Equatable {
        case raw(String)
        case text(String)
        case integer(Int64)
    }

    /// The query of one page. On SQLite (`sqlite`) the clinic comparison is written `+column`, so
    /// the planner never starts from the clinic's index: without statistics it takes `clinic_id = ?`
    /// for a few rows, walks every patient of the clinic and every row of theirs, and sorts them
    /// for each page (1.5 s a page of ratings at 100,000 patients, the export quadratic in the
    /// rows), where walking the key from the cursor reads one page's rows.
    static func parts(_ table: FHIRTable, filter: FHIRRowFilter, from position: FHIRKeyPosition?, limit: Int,
                      sqlite: Bool = false) -> [QueryPart] {
        var parts: [QueryPart] = [.raw("SELECT " + table.columns.map { "\($0.expression) AS \($0.name)" }.joined(separator: ", ")
                                       + " FROM " + table.from + " WHERE 1 = 1")]
        for condition in table.conditions { parts.append(.raw(" AND (\(condition))")) }
        if let column = table.clinic, let id = filter.clinicID {
            let clinic = sqlite ? "+" + column : column
            parts.append(.raw(table.keepsRowsWithoutClinic ? " AND (\(clinic) IS NULL OR \(clinic) = " : " AND (\(clinic) = "))
            parts += [.text(id.uuidString), .raw(")")]
        }
        if let patients = filter.patientIDs {
            if let column = table.patient, !patients.isEmpty {
                parts.append(.raw(" AND \(column) IN ("))
                for (i, id) in patients.enumerated() {
                    if i > 0 { parts.append(.raw(", ")) }
                    parts.append(.text(id.uuidString))
                }
                parts.append(.raw(")"))
            } else {
                parts.append(.raw(" AND 1 = 0"))
            }
        }
        if let date = table.date {
            switch date.kind {
            case .milliseconds:
                for bound in filter.dateMilliseconds {
                    parts += [.raw(" AND \(date.expression) \(bound.isLower ? ">=" : "<") "), .integer(bound.value)]
                }
            case .day:
                for bound in filter.dateDays {
                    parts += [.raw(" AND \(date.expression) \(bound.isLower ? ">=" : "<") "), .text(bound.value)]
                }
            }
        }
        if let column = table.lastUpdated {
            for bound in filter.lastUpdated {
                parts += [.raw(" AND \(column) \(bound.isLower ? ">=" : "<") "), .integer(bound.value)]
            }
        }
        func key(_ text: String) -> QueryPart { table.keyIsInteger ? .integer(Int64(text) ?? -1) : .text(text) }
        if let value = filter.key { parts += [.raw(" AND \(table.key) = "), key(value)] }
        if let position { parts += [.raw(" AND \(table.key) \(position.inclusive ? ">=" : ">") "), key(position.key)] }
        parts.append(.raw(" ORDER BY \(table.key) LIMIT \(max(1, limit))"))
        return parts
    }

    /// A row as SQLite holds it.
    static func decode(_ row: SQLiteRow, table: FHIRTable) -> FHIRRow {
        var cells: [FHIRCell] = []
        cells.reserveCapacity(table.columns.count)
        for column in table.columns {
            switch row.column(column.name) {
            case .integer(let value)?:
                cells.append(column.kind == .boolean ? .boolean(value != 0) : .integer(Int64(value)))
            case .text(let value)?:
                cells.append(column.kind == .integer ? (Int64(value).map(FHIRCell.integer) ?? .null) : .text(value))
            case .float(let value)?:
                cells.append(value.isFinite && abs(value) < 9e18 ? .integer(Int64(value)) : .null)
            default:
                cells.append(.null)
            }
        }
        return FHIRRow(index: table.index, cells: cells)
    }

    static func decode(_ row: any SQLRow, table: FHIRTable) throws -> FHIRRow {
        var cells: [FHIRCell] = []
        cells.reserveCapacity(table.columns.count)
        for column in table.columns {
            switch column.kind {
            case .text: cells.append(try row.decode(column: column.name, as: String?.self).map(FHIRCell.text) ?? .null)
            case .integer: cells.append(try row.decode(column: column.name, as: Int64?.self).map(FHIRCell.integer) ?? .null)
            case .boolean: cells.append(try row.decode(column: column.name, as: Bool?.self).map(FHIRCell.boolean) ?? .null)
            }
        }
        return FHIRRow(index: table.index, cells: cells)
    }
}
