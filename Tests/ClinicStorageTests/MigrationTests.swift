import Foundation
import ClinicStorage
import SQLKit
import Testing
import TestSupport

@Suite("Migrations")
struct MigrationTests {
    @Test("The registry lists migrations in strictly increasing versions, each in its own file named for what it does")
    func registry() throws {
        let versions = Migrations.all.map(\.version)
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/ClinicStorage/Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        for migration in Migrations.all {
            // "create clinics" lives in CreateClinics.swift.
            let fileName = migration.name.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + ".swift"
            #expect(files.contains { $0.caseInsensitiveCompare(fileName) == .orderedSame }, "\(migration.name) → \(fileName)")
        }
    }

    @Test("Migrations apply to an empty database, once", arguments: TestDatabases.engines)
    func applyToEmpty(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine, migrated: false) { database in
            // setup
            let before = try await Migrator().status(database)
            #expect(before.databaseVersion == 0)
            // act
            let applied = try await Migrator().migrate(database)
            let again = try await Migrator().migrate(database)
            // validate
            #expect(applied == Migrations.all.map(\.version))
            #expect(again.isEmpty)
            #expect(try await Migrator().status(database).isCurrent)
        }
    }

    @Test("A database newer than the binary is refused", arguments: TestDatabases.engines)
    func refuseNewer(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: a later release recorded a migration this binary does not know
            _ = try await database.write { db in
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run()
            }
            // act / validate
            await #expect(throws: SchemaTooNewError.self) { try await Migrator().migrate(database) }
            let status = try await Migrator().status(database)
            #expect(!status.isCurrent)
            #expect(status.databaseVersion == 999)
        }
    }

    @Test("A migration numbered below the newest applied one still runs, and readiness waits for it", arguments: TestDatabases.engines)
    func gapBelowNewest(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine, migrated: false) { database in
            // setup: a database migrated by a release that did not have one migration yet
            let all = Migrations.all
            let late = try #require(all.dropLast().last, "at least two migrations")
            try await Migrator(migrations: all.filter { $0.version != late.version }).migrate(database)
            let before = try await Migrator().status(database)
            #expect(before.databaseVersion == Migrations.latestVersion)
            #expect(before.missing == [late.version])
            #expect(!before.isCurrent, "/readyz must not report a schema with a hole as current")
            // act
            let applied = try await Migrator().migrate(database)
            // validate
            #expect(applied == [late.version])
            #expect(try await Migrator().status(database).isCurrent)
        }
    }

    @Test("A migration that fails leaves the schema at its previous version", arguments: TestDatabases.engines)
    func failedMigrationRollsBack(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let broken = Migrations.all + [Migration(version: 100, name: "broken", statements: [
                "CREATE TABLE half_done (id TEXT PRIMARY KEY)", "THIS IS NOT SQL",
            ])]
            await #expect(throws: (any Error).self) { try await Migrator(migrations: broken).migrate(database) }
            let status = try await Migrator().status(database)
            #expect(status.databaseVersion == Migrations.latestVersion)
            // The first statement was rolled back with the second: the table does not exist.
            await #expect(throws: (any Error).self) {
                try await database.read { try await $0.raw("SELECT id FROM half_done").all() }
            }
        }
    }

    @Test("PostgreSQL is available when required")
    func postgresWhenRequired() async throws {
        guard TestDatabases.postgresRequired else { return }
        #expect(TestDatabases.engines.contains(.postgres), "KETACLINIC_REQUIRE_POSTGRES=1 but no KETACLINIC_TEST_POSTGRES_URL")
        try await TestDatabases.withDatabase(.postgres) { database in
            #expect(await database.isReachable())
        }
    }
}
