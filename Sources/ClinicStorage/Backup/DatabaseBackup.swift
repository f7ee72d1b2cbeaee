import Foundation
import Logging
import SQLiteKit
import SQLKit

/// Takes a consistent copy of the live database without stopping the server.
///
/// SQLite: `VACUUM INTO` on a reader connection copies one read transaction's snapshot (WAL lets
/// the server keep writing meanwhile), so the copy holds exactly the writes committed before it
/// began. The copy is switched out of WAL mode, so it is one self-contained file, and checked
/// with `PRAGMA integrity_check` before it takes its final name.
///
/// PostgreSQL: `pg_dump --format=custom`, which also reads one snapshot of the whole database.
public struct DatabaseBackup: Sendable {
    /// What a backup produced.
    public struct Result: Sendable, Equatable {
        /// The final file.
        public var file: String
        /// Its kind.
        public var kind: BackupFile.Kind
        /// Its size in bytes.
        public var bytes: Int64
        /// Its SHA-256, also written to `file.sha256`.
        public var sha256: String
        /// When the copy's snapshot was taken (it holds every write committed before).
        public var startedAt: Date
        /// When the file was complete and checked.
        public var finishedAt: Date
    }

    private let database: ClinicDatabase
    private let logger: Logger

    /// A backup of `database`.
    public init(database: ClinicDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Writes the backup to `path`, which must not exist yet; `progress(done, total)` reports
    /// bytes (SQLite) or tables (PostgreSQL) as the copy grows.
    public func write(to path: String, now: @Sendable () -> Date = Date.init,
                      progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Result {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupError("\(path) already exists: choose a new name (backups are never overwritten)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        let started = now()
        let kind: BackupFile.Kind
        do {
            switch database.location {
            case .sqlite:
                kind = .sqlite
                try await copySQLite(to: partial, progress: progress)
            case .postgres(let url):
                kind = .postgresArchive
                try await dumpPostgres(url: url, to: partial, progress: progress)
            }
            try BackupFile.synchronize(partial)
            let digest = try BackupFile.sha256(of: partial)
            try BackupFile.move(partial, to: path)
            try BackupFile.writeChecksum(digest, for: path)
            return Result(file: path, kind: kind, bytes: BackupFile.size(of: path), sha256: digest,
                          startedAt: started, finishedAt: now())
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    private func copySQLite(to partial: String, progress: @escaping @Sendable (Int, Int) -> Void) async throws {
        let estimate = try await database.read { db in
            let pages = try await db.raw("PRAGMA page_count").first()?.decode(column: "page_count", as: Int.self) ?? 0
            let size = try await db.raw("PRAGMA page_size").first()?.decode(column: "page_size", as: Int.self) ?? 4096
            return max(1, pages * size)
        }
        // VACUUM INTO gives no progress of its own: the growing file is watched instead.
        let watcher = Task {
            while !Task.isCancelled {
                progress(min(Int(BackupFile.size(of: partial)), estimate - 1), estimate)
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { watcher.cancel() }
        try await database.read { db in try await db.raw("VACUUM INTO \(bind: partial)").run() }
        watcher.cancel()
        try await Self.finishSQLiteCopy(at: partial, logger: logger)
        progress(estimate, estimate)
    }

    /// Makes the copy self-contained (rollback journal, no `-wal` file) and checks it.
    private static func finishSQLiteCopy(at path: String, logger: Logger) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            let sql = connection.sql(queryLogLevel: nil)
            try await sql.raw("PRAGMA journal_mode = DELETE").run()
            let result = try await DatabaseChecks.sqliteIntegrity(sql)
            guard result == "ok" else { throw BackupError("the copy failed its integrity check: \(result)") }
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private func dumpPostgres(url: String, to partial: String, progress: @escaping @Sendable (Int, Int) -> Void) async throws {
        let tables = try await database.read { db in
            try await db.raw(SQLQueryString(SQLEngine.postgres.listTables)).all().count
        }
        let tool = try PostgresTools.locate("pg_dump")
        let dumped = Counter()
        progress(0, max(tables, 1))
        try await PostgresTools.run(tool, ["--format=custom", "--no-owner", "--no-privileges", "--verbose", "--file", partial],
                                    environment: try PostgresTools.environment(for: url)) { line in
            if line.contains("dumping contents of table") {
                progress(min(dumped.increment(), max(tables, 1)), max(tables, 1))
            }
        }
        progress(max(tables, 1), max(tables, 1))
    }
}

/// A thread-safe count for progress callbacks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    /// Adds one and returns the new value.
    func increment() -> Int { lock.withLock { value += 1; return value } }
}
