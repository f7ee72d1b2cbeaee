import ClinicDomain
@testable import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

/// How SQLite plans an export page: from the key at the cursor, never by sorting the clinic's rows.
@Suite("FHIR export pages on SQLite")
struct FHIRExportPlanTests {
    /// The page query of `table` as SQL text with its values inlined, for `EXPLAIN QUERY PLAN`.
    static func sql(_ table: FHIRTable, clinicID: UUID, after key: String) -> String {
        FHIRRowReader.parts(table, filter: FHIRRowFilter(clinicID: clinicID), from: FHIRKeyPosition(key: key, inclusive: false),
                            limit: 5_000, sqlite: true).map { part in
            switch part {
            case .raw(let text): text
            case .text(let value): "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
            case .integer(let value): String(value)
            }
        }.joined()
    }

    @Test("Each table's page for one clinic is read in key order from the cursor, with no sort of every row")
    func pagesReadFromTheKey() async throws {
        try await TestDatabases.withDatabase(.sqlite) { database in
            // setup
            _ = try await DemoClinicLoader(database: database).load(patients: 30, seed: 5, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let tables = [FHIRTables.vitals, FHIRTables.scaleResponses, FHIRTables.questionnaireResponses]
            for table in tables {
                let key = table.keyIsInteger ? "0" : ""
                // act
                let plan = try await database.read { db in
                    try await db.raw(SQLQueryString("EXPLAIN QUERY PLAN " + Self.sql(table, clinicID: clinic.id, after: key))).all()
                        .map { try $0.decode(column: "detail", as: String.self) }
                }
                let rows = try await FHIRRowReader(database: database).page(table, filter: FHIRRowFilter(clinicID: clinic.id),
                                                                            from: nil, limit: 5)
                // validate
                #expect(!plan.contains { $0.contains("TEMP B-TREE FOR ORDER BY") }, "\(table.name): \(plan)")
                #expect(rows.count == 5, "\(table.name): the clinic's rows are still found")
            }
        }
    }
}
