import Foundation
import SQLKit

/// Multi-row inserts for bulk loads (the demo clinic's histories, the outcome report's derived
/// rows) and a monitor gateway's readings. On both engines the values are written as SQL literals
/// instead of bound parameters: encoding thousands of parameters per statement (each through
/// `Encodable` and dynamic casts) costs the client far more than the engine's parsing of the same
/// values as text, and profiles of the bulk load on PostgreSQL and then SQLite, and of the ingest
/// route, were dominated by it. Every value is a string, a number, a flag or NULL; a string may
/// hold a person's text (a name, a correction's reason), and is quoted by doubling single quotes,
/// which is the whole of SQLite's string syntax and PostgreSQL's with standard-conforming strings
/// (its default since 9.1, and set on every connection by ``SQLEngine/connectionSetup``, so a
/// backslash is only a backslash). A string with a NUL byte, and numbers that are not finite, fall
/// back to bound parameters, kept under both engines' parameter limits.
enum BulkInsert {
    /// Rows made ready before the transaction that writes them: literal statements where every value
    /// can be written as a literal, else the rows for bound parameters. A bulk load builds the next
    /// batch's statements on one core while the engine writes this batch on the other.
    struct Prepared: Sendable {
        fileprivate enum Form: Sendable {
            case statements([String])
            case rows(table: String, columns: [String], rows: [[any Encodable & Sendable]])
        }
        fileprivate let form: Form

        /// Writes the rows.
        func run(on db: any SQLDatabase) async throws {
            switch form {
            case .statements(let statements):
                for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
            case .rows(let table, let columns, let rows):
                let perStatement = max(1, 30_000 / max(1, columns.count))
                for chunk in stride(from: 0, to: rows.count, by: perStatement) {
                    var insert = db.insert(into: table).columns(columns)
                    for row in rows[chunk..<min(chunk + perStatement, rows.count)] { insert = insert.values(row.map { SQLBind($0) }) }
                    try await insert.run()
                }
            }
        }
    }

    /// Inserts `rows` (each as many values as `columns`) into `table`.
    static func insert(into table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]], _ db: any SQLDatabase) async throws {
        try await prepare(into: table, columns, rows).run(on: db)
    }

    /// `rows` for `table` made ready to write (see ``Prepared``).
    static func prepare(into table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) -> Prepared {
        guard !rows.isEmpty else { return Prepared(form: .statements([])) }
        guard let literalRows = literals(rows) else { return Prepared(form: .rows(table: table, columns: columns, rows: rows)) }
        // Statements of about 2,000 rows keep each message a few megabytes at most.
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        return Prepared(form: .statements(stride(from: 0, to: literalRows.count, by: 2_000).map { chunk in
            head + literalRows[chunk..<min(chunk + 2_000, literalRows.count)].joined(separator: ", ")
        }))
    }

    /// Each row as `(v1, v2, …)`, or nil when a value is of a kind written only as a parameter.
    static func literals(_ rows: [[any Encodable & Sendable]]) -> [String]? {
        var result: [String] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            var text = "("
            for (index, value) in row.enumerated() {
                if index > 0 { text += ", " }
                guard let literal = literal(value) else { return nil }
                text += literal
            }
            result.append(text + ")")
        }
        return result
    }

    /// One value as an SQL literal both engines read the same way (`TRUE`/`FALSE` are 1/0 in SQLite,
    /// as a bound flag is).
    static func literal(_ value: any Encodable & Sendable) -> String? {
        switch value {
        case let text as String:
            // One pass over the bytes (plan bodies are kilobytes): a NUL goes as a parameter, a
            // quote is doubled.
            var text = text
            let scan = text.withUTF8 { bytes -> (nul: Bool, quote: Bool) in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return (false, false) }
                return (memchr(base, 0, bytes.count) != nil, memchr(base, Int32(UInt8(ascii: "'")), bytes.count) != nil)
            }
            guard !scan.nul else { return nil }
            guard scan.quote else { return "'" + text + "'" }
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        case let number as Int: return String(number)
        case let number as Int64: return String(number)
        case let number as Double: return number.isFinite ? "\(number)" : nil
        case let flag as Bool: return flag ? "TRUE" : "FALSE"
        case let optional as String?: return optional.map { literal($0) } ?? "NULL"
        case let optional as Int?: return optional.map { String($0) } ?? "NULL"
        case let optional as Double?: return optional.map { literal($0) } ?? "NULL"
        default: return nil
        }
    }
}
