import Foundation
import Logging
import SQLKit

/// Puts a backup back in place and proves it sound before saying so.
///
/// The backup's checksum (when its `.sha256` file is beside it) must match. A target that already
/// holds tables is refused unless the operator says to replace it; even then nothing is deleted:
/// an SQLite file is moved aside as `NAME.replaced-<time>` (with its `-wal` and `-shm`). SQLite
/// backups are copied to `NAME.partial`, checked there, and renamed into place only when every
/// check passes, so a failed restore never leaves a bad database under the served name.
/// PostgreSQL archives are restored with `pg_restore` in one transaction into an empty database.
public struct DatabaseRestore: Sendable {
    /// What a restore did.
    public struct Outcome: Sendable {
        /// The checks of the restored database.
        public var checks: DatabaseChecks.Report
        /// The backup's checksum, and whether it came from a `.sha256` file that matched.
        public var sha256: String
        /// True when a `.sha256` file was beside the backup (and matched).
        public var checksumVerified: Bool
        /// Where the database that was replaced now lies (SQLite, when replacing).
        public var previousDatabaseMovedTo: String?
    }

    private let logger: Logger

    /// A restorer that logs to `logger`.
    public init(logger: Logger) { self.logger = logger }

    /// Restores `backup` into `target`; `replaceExisting` allows a target that holds tables.
    public func restore(_ backup: String, into target: DatabaseLocation, replaceExisting: Bool,
                        now: Date = Date()) async throws -> Outcome {
        guard FileManager.default.isReadableFile(atPath: backup) else { throw BackupError("cannot read the backup \(backup)") }
        guard let kind = BackupFile.kind(at: backup) else {
            throw BackupError("\(backup) is neither a KetaClinic SQLite backup nor a pg_dump custom-format archive")
        }
        let digest = try BackupFile.sha256(of: backup)
        let recorded = try BackupFile.recordedChecksum(for: backup)
        if let recorded, recorded != digest {
            throw BackupError("the backup's SHA-256 is \(digest) but \(BackupFile.checksumPath(for: backup)) records \(recorded): "
                              + "the file is damaged or is not the one that was backed up")
        }
        switch (kind, target) {
        case (.sqlite, .sqlite(let path)):
            let moved = try await restoreSQLite(backup, to: path, replaceExisting: replaceExisting, now: now)
            let checks = try await check(target)
            return Outcome(checks: checks, sha256: digest, checksumVerified: recorded != nil, previousDatabaseMovedTo: moved)
        case (.postgresArchive, .postgres(let url)):
            try await requireEmpty(target, replaceExisting: replaceExisting, postgres: true)
            try await PostgresTools.run(try PostgresTools.locate("pg_restore"),
                                        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                                         "--dbname", try PostgresTools.environment(for: url)["PGDATABASE"] ?? "", backup],
                                        environment: try PostgresTools.environment(for: url))
            let checks = try await check(target)
            return Outcome(checks: checks, sha256: digest, checksumVerified: recorded != nil, previousDatabaseMovedTo: nil)
        case (.sqlite, .postgres):
            throw BackupError("\(backup) is an SQLite backup; restore it into a file path (--database ./clinic.sqlite), not PostgreSQL")
        case (.postgresArchive, .sqlite):
            throw BackupError("\(backup) is a PostgreSQL archive; restore it into a postgres:// database")
        }
    }

    /// Copies, checks, and only then installs an SQLite backup; returns where the replaced
    /// database was moved, if there was one.
    private func restoreSQLite(_ backup: String, to path: String, replaceExisting: Bool, now: Date) async throws -> String? {
        let hasTarget = FileManager.default.fileExists(atPath: path)
        if hasTarget { try await requireEmpty(.sqlite(path: path), replaceExisting: replaceExisting, postgres: false) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = path + ".partial"
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
        do {
            try FileManager.default.copyItem(atPath: backup, toPath: partial)
            try BackupFile.synchronize(partial)
            let checks = try await check(.sqlite(path: partial))
            guard checks.passed else {
                throw RestoreCheckFailed(report: checks)
            }
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: partial + suffix) }
            throw error
        }
        var movedTo: String?
        if hasTarget {
            let stamp = ISO8601DateFormatter.compactUTC.string(from: now)
            let aside = "\(path).replaced-\(stamp)"
            for suffix in ["-wal", "-shm", ""] where FileManager.default.fileExists(atPath: path + suffix) {
                try BackupFile.move(path + suffix, to: aside + suffix)
            }
            movedTo = aside
            logger.notice("the replaced database was kept", metadata: ["path": "\(aside)"])
        }
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: partial + suffix) {
            try BackupFile.move(partial + suffix, to: path + suffix)
        }
        try BackupFile.move(partial, to: path)
        return movedTo
    }

    /// Refuses a target that holds tables unless told to replace it (SQLite only: on PostgreSQL
    /// an existing database is never overwritten).
    private func requireEmpty(_ target: DatabaseLocation, replaceExisting: Bool, postgres: Bool) async throws {
        let database = try ClinicDatabase(location: target, poolSize: 1, logger: logger)
        let tables: Int
        do {
            tables = try await database.read { db in
                try await db.raw(SQLQueryString(target.engine.listTables)).all().count
            }
            await database.shutDown()
        } catch {
            await database.shutDown()
            throw error
        }
        guard tables > 0 else { return }
        if postgres {
            throw BackupError("the database \(target) already holds \(tables) tables: restore into a new, empty database "
                              + "(createdb) and point --database at it; an existing PostgreSQL database is never overwritten")
        }
        guard replaceExisting else {
            throw BackupError("\(target) already holds a database (\(tables) tables): stop the server, then repeat with "
                              + "--replace-existing to move it aside and restore in its place, or restore to a new path")
        }
    }

    private func check(_ location: DatabaseLocation) async throws -> DatabaseChecks.Report {
        let database = try ClinicDatabase(location: location, poolSize: 2, logger: logger)
        do {
            let report = try await DatabaseChecks(database: database).run()
            await database.shutDown()
            return report
        } catch {
            await database.shutDown()
            throw error
        }
    }
}

/// The restored copy failed a check; it was not put in place.
public struct RestoreCheckFailed: Error, CustomStringConvertible {
    /// What the checks found.
    public let report: DatabaseChecks.Report
    public var description: String {
        "the backup failed its checks and was not restored:\n  " + report.lines.joined(separator: "\n  ")
    }
}

extension ISO8601DateFormatter {
    /// `20261206T063000Z`: instants in file names.
    nonisolated(unsafe) static let compactUTC: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        return formatter
    }()
}
