import ClinicDomain
import Foundation
import SQLKit

/// Brings a database's schema up to the version this binary knows, and refuses one that is newer.
///
/// Each migration runs in its own transaction together with its row in `schema_migrations`, so a
/// crash half-way leaves the schema at a known version. Several app instances starting together
/// on PostgreSQL take turns through an advisory lock.
public struct Migrator: Sendable {
    /// The migrations to apply; tests pass shorter or longer lists.
    public let migrations: [Migration]

    /// A migrator for `migrations`, by default every migration KetaClinic ships.
    public init(migrations: [Migration] = Migrations.all) {
        self.migrations = migrations
    }

    /// The version the binary expects.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what is missing; returns the versions applied (empty when already current).
    @discardableResult
    public func migrate(_ database: ClinicDatabase, now: Date = Date()) async throws -> [Int] {
        // A schema already current is only read: a command run beside a live server (a backup, a
        // report) does not queue for the write lock the server's writers hold.
        if try await status(database).isCurrent { return [] }
        let migrations = migrations
        let latest = latestVersion
        let engine = database.engine
        return try await database.exclusiveTransaction { db in
            try await Self.createLedger(db)
            let done = try await Self.appliedVersions(db)
            let current = done.max() ?? 0
            guard current <= latest else { throw SchemaTooNewError(databaseVersion: current, knownVersion: latest) }
            var applied: [Int] = []
            // Every migration not yet recorded, in order: one whose number sits below the newest
            // applied (added in a range another part of the schema had passed) still runs.
            for migration in migrations where !done.contains(migration.version) {
                for statement in migration.statements + migration.engineStatements(engine) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(now.millisecondsSince1970))
                    .run()
                applied.append(migration.version)
            }
            return applied
        }
    }

    /// The database's schema version, and whether it matches this binary: what `/readyz` reports.
    public func status(_ database: ClinicDatabase) async throws -> SchemaStatus {
        let done = try await database.read { db -> Set<Int> in
            let tables = try await db.raw(SQLQueryString(database.engine.listTables)).all()
                .compactMap { try? $0.decode(column: "name", as: String.self) }
            guard tables.contains("schema_migrations") else { return [] }
            return try await Self.appliedVersions(db)
        }
        return SchemaStatus(databaseVersion: done.max() ?? 0, knownVersion: latestVersion,
                            missing: migrations.map(\.version).filter { !done.contains($0) })
    }

    private static func createLedger(_ db: any SQLDatabase) async throws {
        try await db.raw("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """).run()
    }

    private static func appliedVersions(_ db: any SQLDatabase) async throws -> Set<Int> {
        Set(try await db.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int.self) })
    }
}

/// Where a database's schema stands against this binary.
public struct SchemaStatus: Sendable, Equatable {
    /// The newest migration recorded in the database.
    public let databaseVersion: Int
    /// The newest migration this binary knows.
    public let knownVersion: Int
    /// Migrations this binary knows that the database has not recorded (including any numbered
    /// below its newest).
    public let missing: [Int]
    /// True when every migration this binary knows is applied: the app can serve.
    public var isCurrent: Bool { databaseVersion == knownVersion && missing.isEmpty }
}

/// The database was migrated by a newer KetaClinic; this binary would misread it, so it stops.
public struct SchemaTooNewError: Error, CustomStringConvertible {
    /// Version found in the database.
    public let databaseVersion: Int
    /// Version this binary knows.
    public let knownVersion: Int
    public var description: String {
        "the database schema is at version \(databaseVersion), newer than the \(knownVersion) this KetaClinic knows; "
            + "run the newer KetaClinic release, or restore a backup made for this one"
    }
}
