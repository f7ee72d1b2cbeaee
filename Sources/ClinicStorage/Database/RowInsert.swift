import SQLKit

/// A multi-row `INSERT` into one of our own tables, written as SQL text with the values bound.
/// SQLKit's insert builder escapes every table and column name through a generic string replace
/// each time a statement is built; a profile of the signed write path (`POST /api/v1/patients`)
/// found that escaping at 6 % of a request, for names that are constants here and hold nothing to
/// escape. The hot inserts (audit entries, patients, monitor readings) go through here instead.
struct RowInsert: Sendable {
    /// The columns, in the order each row gives its values.
    let columns: [String]
    private let head: String

    /// An insert into `table` of `columns`; every name is a plain lower-case SQL identifier
    /// (letters, digits, underscores), so it needs no quoting on either engine.
    init(into table: String, columns: [String]) {
        precondition(([table] + columns).allSatisfy(Self.isPlainIdentifier), "RowInsert takes plain identifiers only")
        self.columns = columns
        head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
    }

    /// The statement inserting `rows`, each holding one value per column (nil for NULL).
    func statement(_ rows: some Sequence<[any Encodable & Sendable]>) -> SQLQueryString {
        var query = SQLQueryString(head)
        var first = true
        for row in rows {
            precondition(row.count == columns.count, "one value per column")
            query.appendLiteral(first ? "(" : ", (")
            query.appendInterpolation(binds: row)
            query.appendLiteral(")")
            first = false
        }
        return query
    }

    private static func isPlainIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }
}
