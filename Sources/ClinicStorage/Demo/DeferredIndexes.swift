import Foundation
import SQLKit

/// The secondary indexes of the demo's bulk tables, dropped before the bulk rows of a new demo
/// clinic go in and created again from their own stored definitions afterwards (SQLite only).
///
/// Inserting 100,000 patients' histories row by row into six to nine indexes a table means millions
/// of inserts at random places in each B-tree; `CREATE INDEX` over the loaded table sorts once
/// instead. Only the indexes a migration created by name are dropped (their `CREATE INDEX` text is
/// kept in `sqlite_master`, so the schema afterwards is the same, statement for statement); the
/// indexes behind a table's `PRIMARY KEY` and `UNIQUE` constraints stay and keep checking, and a
/// named `CREATE UNIQUE INDEX` checks every loaded row when it is built again. Should the load stop
/// half-way, the loader builds the indexes again before it reports the error.
struct DeferredIndexes: Sendable {
    /// The tables the bulk load writes most of its rows to.
    static let bulkTables = [
        "patients", "treatment_plans", "treatment_sessions", "scale_responses", "course_outcomes", "course_dose_effects",
        "audit_entries",
    ]

    /// One dropped index: its name and the statement that created it.
    struct Index: Sendable, Equatable {
        let name: String
        let sql: String
    }

    let dropped: [Index]

    /// The named indexes of `tables` as `sqlite_master` holds them, in name order.
    static func indexes(of tables: [String], in db: any SQLDatabase) async throws -> [Index] {
        let list = tables.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
        let rows = try await db.raw(SQLQueryString("""
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (\(list)) ORDER BY name
            """)).all()
        return try rows.map { Index(name: try $0.decode(column: "name", as: String.self), sql: try $0.decode(column: "sql", as: String.self)) }
    }

    /// Drops the bulk tables' named indexes in one transaction and returns what to create again;
    /// on PostgreSQL, nothing is dropped.
    static func drop(in database: ClinicDatabase) async throws -> DeferredIndexes {
        guard database.engine == .sqlite else { return DeferredIndexes(dropped: []) }
        let dropped = try await database.write { db -> [Index] in
            let found = try await indexes(of: bulkTables, in: db)
            for index in found { try await db.raw(SQLQueryString("DROP INDEX \"\(index.name)\"")).run() }
            return found
        }
        return DeferredIndexes(dropped: dropped)
    }

    /// Creates the dropped indexes again, each from its stored statement, in one transaction.
    func restore(in database: ClinicDatabase) async throws {
        guard !dropped.isEmpty else { return }
        let dropped = dropped
        try await database.write { db in
            for index in dropped { try await db.raw(SQLQueryString(index.sql)).run() }
        }
    }
}
