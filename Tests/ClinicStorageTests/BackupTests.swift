import ClinicDomain
@testable import ClinicStorage
import Foundation
import SQLiteKit
import SQLKit
import Testing
import TestSupport

@Suite("Backup, restore and the backup log")
struct BackupTests {
    @Test("A backup of a live database restores into an empty one and passes every check", arguments: TestDatabases.engines)
    func roundTrip(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: a clinic, patients and their audit entries
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let patients = SQLPatientRepository(database: database)
            for index in 0..<12 {
                _ = try await patients.register(Fixtures.registration(given: "Back\(index)", family: "Up"), in: clinic.id,
                                                stamp: Fixtures.stamp)
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kc-backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("clinic.\(BackupSchedule.fileExtension(engine))").path
            let steps = Steps()

            // act
            let result = try await DatabaseBackup(database: database, logger: TestDatabases.quietLogger)
                .write(to: file, progress: { done, total in steps.add(done, total) })
            let (target, cleanup) = try await TestDatabases.makeLocation(engine)
            defer { Task { try? await cleanup() } }
            let outcome = try await DatabaseRestore(logger: TestDatabases.quietLogger)
                .restore(file, into: target, replaceExisting: false)

            // validate
            #expect(result.kind == (engine == .sqlite ? .sqlite : .postgresArchive))
            #expect(BackupFile.kind(at: file) == result.kind)
            #expect(try BackupFile.sha256(of: file) == result.sha256)
            #expect(try BackupFile.recordedChecksum(for: file) == result.sha256)
            #expect(!FileManager.default.fileExists(atPath: file + ".partial"))
            #expect(steps.last?.0 == steps.last?.1, "the progress ends at 100 %")
            #expect(outcome.checksumVerified)
            #expect(outcome.checks.passed)
            #expect(outcome.checks.integrityHolds)
            #expect(outcome.checks.patients == 12)
            #expect(outcome.checks.audit.isIntact)
            #expect(outcome.checks.audit.entriesChecked >= 12)
            #expect(outcome.checks.schema.isCurrent)
        }
    }

    @Test("Restore refuses a target that holds data, and a copy whose checksum does not match", arguments: TestDatabases.engines)
    func refusals(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kc-backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("clinic.backup").path
            _ = try await DatabaseBackup(database: database, logger: TestDatabases.quietLogger).write(to: file)
            let restore = DatabaseRestore(logger: TestDatabases.quietLogger)

            // A non-empty target: the live database itself.
            let occupied = await #expect(throws: BackupError.self) {
                try await restore.restore(file, into: database.location, replaceExisting: false)
            }
            #expect(occupied?.description.contains("already holds") == true)

            // A backup is never overwritten.
            await #expect(throws: BackupError.self) {
                try await DatabaseBackup(database: database, logger: TestDatabases.quietLogger).write(to: file)
            }

            // One byte changed, the old checksum beside it.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: URL(fileURLWithPath: file))
            let (target, cleanup) = try await TestDatabases.makeLocation(engine)
            defer { Task { try? await cleanup() } }
            let damaged = await #expect(throws: BackupError.self) {
                try await restore.restore(file, into: target, replaceExisting: false)
            }
            #expect(damaged?.description.contains("SHA-256") == true)
        }
    }

    @Test("Replacing an SQLite database moves the old file aside instead of deleting it")
    func replaceKeepsOld() async throws {
        try await TestDatabases.withDatabase(.sqlite) { database in
            _ = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kc-backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("clinic.sqlite").path
            _ = try await DatabaseBackup(database: database, logger: TestDatabases.quietLogger).write(to: file)
            let target = folder.appendingPathComponent("served/clinic.sqlite").path
            let restore = DatabaseRestore(logger: TestDatabases.quietLogger)
            _ = try await restore.restore(file, into: .sqlite(path: target), replaceExisting: false)

            let outcome = try await restore.restore(file, into: .sqlite(path: target), replaceExisting: true, now: Fixtures.now)

            let moved = try #require(outcome.previousDatabaseMovedTo)
            #expect(moved.hasPrefix(target + ".replaced-"))
            #expect(FileManager.default.fileExists(atPath: moved))
            #expect(outcome.checks.passed)
        }
    }

    @Test("A database whose audit trail was altered fails the restore checks and is not put in place")
    func brokenChainRefused() async throws {
        try await TestDatabases.withDatabase(.sqlite) { database in
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            _ = try await SQLPatientRepository(database: database).register(Fixtures.registration(given: "Ada", family: "Chain"),
                                                                            in: clinic.id, stamp: Fixtures.stamp)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kc-backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("clinic.sqlite").path
            _ = try await DatabaseBackup(database: database, logger: TestDatabases.quietLogger).write(to: file)
            // Tamper with the copy around the triggers, as someone with the file could.
            let connection = try await SQLiteConnection.open(storage: .file(path: file), logger: TestDatabases.quietLogger)
            let sql = connection.sql()
            try await sql.raw("DROP TRIGGER audit_entries_refuse_update").run()
            try await sql.raw("UPDATE audit_entries SET summary = 'rewritten' WHERE sequence = 1").run()
            try await connection.close()
            try? FileManager.default.removeItem(atPath: BackupFile.checksumPath(for: file))
            let target = folder.appendingPathComponent("restored.sqlite").path

            let failure = await #expect(throws: RestoreCheckFailed.self) {
                try await DatabaseRestore(logger: TestDatabases.quietLogger).restore(file, into: .sqlite(path: target),
                                                                                     replaceExisting: false)
            }

            #expect(failure?.report.audit.isIntact == false)
            #expect(!FileManager.default.fileExists(atPath: target))
        }
    }

    @Test("The backup log records each run with its audit entry; the newest good run is found", arguments: TestDatabases.engines)
    func log(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let log = BackupLog(database: database)
            let good = BackupRun(startedAt: Fixtures.now, finishedAt: Fixtures.now.addingTimeInterval(3), trigger: .scheduled,
                                 succeeded: true, file: "/b/one.sqlite", bytes: 4096, sha256: String(repeating: "a", count: 64),
                                 message: "written and checked", host: "clinic-1")
            let failed = BackupRun(startedAt: Fixtures.now.addingTimeInterval(60), finishedAt: Fixtures.now.addingTimeInterval(61),
                                   trigger: .command, succeeded: false, file: "/b/two.sqlite", bytes: 0, sha256: "",
                                   message: "disk full", host: "clinic-1")
            try await log.record(good, stamp: Fixtures.stamp)
            try await log.record(failed, stamp: Fixtures.stamp)

            #expect(try await log.recent() == [failed, good])
            #expect(try await log.lastSuccess() == good)
            let entries = try await AuditTrail(database: database).page(AuditFilter(action: .export), limit: 10)
            #expect(entries.filter { $0.event.entityType == "database" }.count == 2)
            #expect(try await AuditTrail(database: database).verify().isIntact)
        }
    }
}

/// Progress reports, in order.
private final class Steps: @unchecked Sendable {
    private let lock = NSLock()
    private var steps: [(Int, Int)] = []
    func add(_ done: Int, _ total: Int) { lock.withLock { steps.append((done, total)) } }
    var last: (Int, Int)? { lock.withLock { steps.last } }
}
