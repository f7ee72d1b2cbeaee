import ClinicDomain
import Foundation
import SQLKit

/// One backup attempt, as administrators see it in the backup log.
public struct BackupRun: Sendable, Equatable, Codable {
    /// How the backup was started.
    public enum Trigger: String, CaseIterable, Sendable, Codable {
        /// By the server's schedule (`serve --backup-every`).
        case scheduled
        /// By `ketaclinic backup`.
        case command
    }

    /// Identifies the run.
    public var id: UUID
    /// When the copy's snapshot was taken.
    public var startedAt: Date
    /// When it finished (or failed).
    public var finishedAt: Date
    /// Scheduled or from the command line.
    public var trigger: Trigger
    /// True when the file was written, checked and renamed into place.
    public var succeeded: Bool
    /// The backup file (empty when it failed before one was named).
    public var file: String
    /// Its size in bytes (0 when it failed).
    public var bytes: Int64
    /// Its SHA-256 (empty when it failed).
    public var sha256: String
    /// What happened, in words: the error when it failed.
    public var message: String
    /// The machine that took it.
    public var host: String

    /// A run record.
    public init(id: UUID = UUID.random(), startedAt: Date, finishedAt: Date, trigger: Trigger, succeeded: Bool,
                file: String, bytes: Int64, sha256: String, message: String, host: String) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.trigger = trigger
        self.succeeded = succeeded
        self.file = file
        self.bytes = bytes
        self.sha256 = sha256
        self.message = message
        self.host = host
    }
}

/// The backup log: every attempt, good or failed, with an audit entry in the same transaction
/// (a backup is a copy of every patient's record, so it is recorded as an export).
public struct BackupLog: Sendable {
    private let database: ClinicDatabase

    /// The log kept in `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Records `run`, and its audit entry stamped with `stamp`.
    ///
    /// The run is recorded after its file is written: a command-line backup beside a server writing
    /// at full rate can find the write lock taken past SQLite's busy timeout (seen in CI under
    /// load), and a good backup must not be reported as failed for that. The record is tried up to
    /// three times.
    public func record(_ run: BackupRun, stamp: AuditStamp) async throws {
        var attempt = 1
        while true {
            do {
                return try await write(run, stamp: stamp)
            } catch where attempt < 3 && DatabaseFault(classifying: error) == .locked {
                attempt += 1
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func write(_ run: BackupRun, stamp: AuditStamp) async throws {
        try await database.write { db in
            try await db.insert(into: "backup_runs")
                .columns("id", "started_at", "finished_at", "trigger", "succeeded", "file", "bytes", "sha256", "message", "host")
                .values(SQLBind(run.id.uuidString), SQLBind(run.startedAt.millisecondsSince1970),
                        SQLBind(run.finishedAt.millisecondsSince1970), SQLBind(run.trigger.rawValue), SQLBind(run.succeeded),
                        SQLBind(run.file), SQLBind(run.bytes), SQLBind(run.sha256), SQLBind(run.message), SQLBind(run.host))
                .run()
            let summary = run.succeeded
                ? "database backup (\(run.trigger.rawValue)) to \(run.file), \(run.bytes) bytes, sha256 \(run.sha256)"
                : "database backup (\(run.trigger.rawValue)) failed: \(run.message)"
            try await AuditLog.append([AuditEvent(.export, entityType: "database", entityID: "backup", summary: summary)],
                                      stamp: stamp, in: db)
        }
    }

    /// The newest runs first.
    public func recent(limit: Int = 50) async throws -> [BackupRun] {
        try await database.read { db in
            try await db.raw("SELECT * FROM backup_runs ORDER BY finished_at DESC, id LIMIT \(bind: max(1, min(limit, 1_000)))")
                .all().map(Self.decode)
        }
    }

    /// The newest run that succeeded, if any.
    public func lastSuccess() async throws -> BackupRun? {
        try await database.read { db in
            try await db.raw("SELECT * FROM backup_runs WHERE succeeded = \(bind: true) ORDER BY finished_at DESC, id LIMIT 1")
                .first().map(Self.decode)
        }
    }

    private static func decode(_ row: any SQLRow) throws -> BackupRun {
        guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
              let trigger = BackupRun.Trigger(rawValue: try row.decode(column: "trigger", as: String.self)) else {
            throw StoredDataError(what: "backup run has an unreadable id or trigger")
        }
        return BackupRun(id: id,
                         startedAt: Date(millisecondsSince1970: try row.decode(column: "started_at", as: Int64.self)),
                         finishedAt: Date(millisecondsSince1970: try row.decode(column: "finished_at", as: Int64.self)),
                         trigger: trigger, succeeded: try row.decode(column: "succeeded", as: Bool.self),
                         file: try row.decode(column: "file", as: String.self), bytes: try row.decode(column: "bytes", as: Int64.self),
                         sha256: try row.decode(column: "sha256", as: String.self),
                         message: try row.decode(column: "message", as: String.self), host: try row.decode(column: "host", as: String.self))
    }
}
