import ClinicDomain
import Foundation
import SQLKit

/// One FHIR Bulk Data export job as stored.
public struct FHIRExportJob: Sendable, Equatable {
    /// Where a job is.
    public enum State: String, Sendable {
        /// Running, or finished one way or another.
        case running, completed, failed, cancelled
    }

    /// One NDJSON file of a finished job.
    public struct OutputFile: Codable, Sendable, Equatable {
        /// The resource type.
        public let type: String
        /// The file name in the job's folder.
        public let name: String
        /// Resources in it.
        public let count: Int

        /// A file.
        public init(type: String, name: String, count: Int) {
            self.type = type
            self.name = name
            self.count = count
        }
    }

    /// The job's id (in its status URL).
    public let id: UUID
    /// The clinic exported.
    public let clinicID: UUID
    /// `system` or `patient`.
    public let level: String
    /// The resource types, in export order.
    public let types: [String]
    /// `_since`: only resources changed at or after it.
    public let since: Date?
    /// The kick-off URL, echoed in the manifest's `request`.
    public let requestURL: String
    /// The user who kicked it off.
    public let requestedBy: UUID?
    /// Their name as audited.
    public let requestedByName: String
    /// When it was kicked off (the manifest's transactionTime).
    public let requestedAt: Date
    /// Where it is.
    public let state: State
    /// Rows read so far.
    public let rowsRead: Int64
    /// About how many rows it reads in all.
    public let rowsEstimated: Int64
    /// Last sign of life of the process running it.
    public let heartbeatAt: Date
    /// When it completed, failed or was cancelled.
    public let finishedAt: Date?
    /// The files written, once completed.
    public let output: [OutputFile]
    /// Why it failed.
    public let error: String?
}

/// Stores Bulk Data export jobs. Starting a job and downloading its files are audited by their
/// callers' writes here (the kick-off) and in the controller (each download).
public struct FHIRExportJobRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Records a new running job and its `export` audit entry in one transaction.
    public func start(id: UUID, clinicID: UUID, level: String, types: [String], since: Date?, requestURL: String,
                      stamp: AuditStamp) async throws {
        let now = stamp.at.millisecondsSince1970
        try await database.write { db in
            try await db.raw("""
                INSERT INTO fhir_export_jobs (id, clinic_id, level, types, since, request_url, requested_by, requested_by_name,
                requested_at, state, heartbeat_at) VALUES (\(bind: id.uuidString), \(bind: clinicID.uuidString), \(bind: level),
                \(bind: types.joined(separator: ",")), \(bind: since?.millisecondsSince1970), \(bind: requestURL),
                \(bind: stamp.userID?.uuidString ?? ""), \(bind: stamp.actorName), \(bind: now), 'running', \(bind: now))
                """).run()
            try await AuditLog.append(AuditEvent(.export, entityType: "fhir_export", entityID: id.uuidString,
                                                 summary: "FHIR \(level) export started: \(types.joined(separator: ","))"),
                                      stamp: stamp, in: db)
        }
    }

    /// The job `id` of `clinicID`.
    public func find(_ id: UUID, clinicID: UUID) async throws -> FHIRExportJob? {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM fhir_export_jobs WHERE id = \(bind: id.uuidString) AND clinic_id = \(bind: clinicID.uuidString)
                """).first().map(Self.decode)
        }
    }

    /// Records progress (and that the runner is alive) while the job still runs.
    public func progress(_ id: UUID, rowsRead: Int64, rowsEstimated: Int64, at now: Date) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE fhir_export_jobs SET rows_read = \(bind: rowsRead), rows_estimated = \(bind: rowsEstimated),
                heartbeat_at = \(bind: now.millisecondsSince1970) WHERE id = \(bind: id.uuidString) AND state = 'running'
                """).run()
        }
    }

    /// Ends a running job as completed with its files, or failed with a reason. False when it was
    /// no longer running (cancelled meanwhile).
    @discardableResult
    public func finish(_ id: UUID, output: [FHIRExportJob.OutputFile]?, error: String?, at now: Date) async throws -> Bool {
        let state = error == nil ? "completed" : "failed"
        let outputText = try output.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await database.write { db in
            try await db.raw("""
                UPDATE fhir_export_jobs SET state = \(bind: state), output = \(bind: outputText), error = \(bind: error),
                finished_at = \(bind: now.millisecondsSince1970), heartbeat_at = \(bind: now.millisecondsSince1970)
                WHERE id = \(bind: id.uuidString) AND state = 'running' RETURNING id
                """).first() != nil
        }
    }

    /// Marks a job cancelled (running or finished) with its audit entry. False when already cancelled or unknown.
    public func cancel(_ id: UUID, clinicID: UUID, stamp: AuditStamp) async throws -> Bool {
        try await database.write { db in
            guard try await db.raw("""
                UPDATE fhir_export_jobs SET state = 'cancelled', finished_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE id = \(bind: id.uuidString) AND clinic_id = \(bind: clinicID.uuidString) AND state <> 'cancelled' RETURNING id
                """).first() != nil else { return false }
            try await AuditLog.append(AuditEvent(.void, entityType: "fhir_export", entityID: id.uuidString,
                                                 summary: "FHIR export cancelled; its files were removed"), stamp: stamp, in: db)
            return true
        }
    }

    private static func decode(_ row: any SQLRow) throws -> FHIRExportJob {
        func text(_ name: String) throws -> String { try row.decode(column: name, as: String.self) }
        func instant(_ name: String) throws -> Date? { try row.decode(column: name, as: Int64?.self).map(Date.init(millisecondsSince1970:)) }
        guard let id = UUID(uuidString: try text("id")), let clinic = UUID(uuidString: try text("clinic_id")),
              let state = FHIRExportJob.State(rawValue: try text("state")) else { throw StoredDataError(what: "fhir export job") }
        let output = try row.decode(column: "output", as: String?.self)
            .map { try JSONDecoder().decode([FHIRExportJob.OutputFile].self, from: Data($0.utf8)) } ?? []
        return FHIRExportJob(
            id: id, clinicID: clinic, level: try text("level"),
            types: try text("types").split(separator: ",").map(String.init), since: try instant("since"),
            requestURL: try text("request_url"), requestedBy: UUID(uuidString: try text("requested_by")),
            requestedByName: try text("requested_by_name"), requestedAt: try instant("requested_at") ?? Date(),
            state: state, rowsRead: try row.decode(column: "rows_read", as: Int64.self),
            rowsEstimated: try row.decode(column: "rows_estimated", as: Int64.self),
            heartbeatAt: try instant("heartbeat_at") ?? Date(), finishedAt: try instant("finished_at"),
            output: output, error: try row.decode(column: "error", as: String?.self))
    }
}
