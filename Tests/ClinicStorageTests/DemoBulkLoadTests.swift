import ClinicDomain
@testable import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Demo bulk load: indexes built after the rows")
struct DemoBulkLoadTests {
    /// Every index of the database as `sqlite_master` holds it: name, table and statement.
    static func indexes(_ database: ClinicDatabase) async throws -> [String] {
        try await database.read { db in
            try await db.raw("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all().map { row in
                let sql = try row.decode(column: "sql", as: String?.self) ?? "(constraint)"
                return "\(try row.decode(column: "name", as: String.self)) on \(try row.decode(column: "tbl_name", as: String.self)): \(sql)"
            }
        }
    }

    @Test("A new demo clinic's database ends with the same indexes, statement for statement, as the migrations made")
    func sameIndexesAfterLoad() async throws {
        try await TestDatabases.withDatabase(.sqlite) { database in
            // setup
            let migrated = try await Self.indexes(database)
            let deferred = try await database.read { db in try await DeferredIndexes.indexes(of: DeferredIndexes.bulkTables, in: db) }
            // act
            let summary = try await DemoClinicLoader(database: database).load(patients: 60, seed: 3, now: Fixtures.now)
            let loaded = try await Self.indexes(database)
            // validate
            #expect(summary.patientsAdded == 60)
            #expect(deferred.count >= 15, "the bulk tables' named indexes: \(deferred.map(\.name))")
            #expect(loaded == migrated)
            let check = try await database.read { db in
                try await db.raw("PRAGMA integrity_check").all().map { try $0.decode(column: "integrity_check", as: String.self) }
            }
            #expect(check == ["ok"])
        }
    }

    @Test("A second load into a clinic that has patients leaves the indexes in place and still ends with the same schema")
    func secondLoadKeepsIndexes() async throws {
        try await TestDatabases.withDatabase(.sqlite) { database in
            // setup
            let migrated = try await Self.indexes(database)
            let loader = DemoClinicLoader(database: database)
            _ = try await loader.load(patients: 40, seed: 3, now: Fixtures.now)
            // act
            let fresh = try await loader.isEmpty()
            _ = try await loader.load(patients: 80, seed: 4, now: Fixtures.now)
            // validate
            #expect(fresh == false)
            #expect(try await Self.indexes(database) == migrated)
            let patients = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM patients INDEXED BY patients_by_name").first()?.decode(column: "n", as: Int.self)
            }
            #expect(patients == 120, "40 from the first load, 80 from the second")
        }
    }
}
