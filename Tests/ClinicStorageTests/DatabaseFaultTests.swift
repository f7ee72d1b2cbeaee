import ClinicStorage
import Foundation
import SQLiteKit
import SQLKit
import Testing
import TestSupport

@Suite("Database faults")
struct DatabaseFaultTests {
    @Test("A write lock held by another connection is classified as a locked database")
    func locked() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try? await cleanup() } }
        guard case .sqlite(let path) = location else { return }
        let holder = try await SQLiteConnection.open(storage: .file(path: path), logger: TestDatabases.quietLogger)
        let other = try await SQLiteConnection.open(storage: .file(path: path), logger: TestDatabases.quietLogger)
        try await holder.sql().raw("PRAGMA journal_mode = WAL").run()
        try await holder.sql().raw("CREATE TABLE t (x INTEGER)").run()
        try await holder.sql().raw("BEGIN IMMEDIATE").run()
        // Give up after 100 ms instead of waiting for the lock (the server waits 5 s).
        try await other.sql().raw("PRAGMA busy_timeout = 100").run()

        var caught: (any Error)?
        do { try await other.sql().raw("INSERT INTO t VALUES (1)").run() } catch { caught = error }

        try await holder.sql().raw("ROLLBACK").run()
        try await holder.close()
        try await other.close()
        let error = try #require(caught)
        #expect(DatabaseFault(classifying: error) == .locked)
        #expect(DatabaseFault.locked.startupMessage(location).contains("locked by another process"))
    }

    @Test("Errors that are the request's own (a constraint) are not database faults")
    func constraintIsNotAFault() async throws {
        try await TestDatabases.withDatabase(.sqlite) { database in
            var caught: (any Error)?
            do {
                try await database.write { db in
                    try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'again', 0)").run()
                }
            } catch { caught = error }
            let error = try #require(caught)
            #expect(DatabaseFault(classifying: error) == nil)
        }
    }

    @Test("Work asked of a database that has shut down is classified as shutting down, with a retry hint")
    func shutDown() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try? await cleanup() } }
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        await database.shutDown()
        var caught: (any Error)?
        do { _ = try await database.read { db in try await db.raw("SELECT 1 AS one").first() } } catch { caught = error }
        let fault = DatabaseFault(classifying: try #require(caught))
        #expect(fault == .shuttingDown)
        #expect((fault?.retryAfterSeconds ?? 0) > 0)
    }

    @Test("An unreachable PostgreSQL server is classified as unreachable")
    func unreachable() async throws {
        // Port 9 (discard) on loopback: nothing listens there, so the connection is refused at once.
        let database = try ClinicDatabase(location: .postgres(url: "postgres://kc:kc@127.0.0.1:9/kc"), logger: TestDatabases.quietLogger)
        var caught: (any Error)?
        let started = Date()
        do { _ = try await database.read { db in try await db.raw("SELECT 1 AS one").first() } } catch { caught = error }
        await database.shutDown()
        #expect(DatabaseFault(classifying: try #require(caught)) == .unreachable)
        // Refused at once; the bound leaves room for a loaded CI machine, and still catches a hang.
        #expect(Date().timeIntervalSince(started) < 20)
    }
}
