import ClinicDomain
import Foundation
import SQLKit

/// What to show of the audit trail: every filter is optional and they combine with AND.
public struct AuditFilter: Equatable, Sendable {
    /// Only entries by this user.
    public var userID: UUID?
    /// Only entries about this patient.
    public var patientID: UUID?
    /// Only this action.
    public var action: AuditAction?
    /// Only entries at or after this instant.
    public var from: Date?
    /// Only entries before this instant.
    public var until: Date?

    /// A filter; with no arguments, the whole trail.
    public init(userID: UUID? = nil, patientID: UUID? = nil, action: AuditAction? = nil, from: Date? = nil, until: Date? = nil) {
        self.userID = userID
        self.patientID = patientID
        self.action = action
        self.from = from
        self.until = until
    }
}

/// The result of checking the whole chain.
public struct AuditVerification: Equatable, Sendable {
    /// Entries read.
    public var entriesChecked: Int
    /// The hash of the last good entry: record it elsewhere to anchor the trail.
    public var lastHash: String
    /// The first link that does not hold, if any.
    public var firstBreak: AuditBreak?

    /// True when every link holds.
    public var isIntact: Bool { firstBreak == nil }
}

/// Where and why the chain breaks.
public struct AuditBreak: Equatable, Sendable, CustomStringConvertible {
    /// The entry number at which the chain stops holding.
    public var sequence: Int64
    /// What was found there.
    public var reason: String

    public var description: String { "entry \(sequence): \(reason)" }
}

/// Reads the audit trail: filtered pages, a patient's access log, and verification.
public struct AuditTrail: Sendable {
    private let database: ClinicDatabase

    /// A reader of `database`'s trail.
    public init(database: ClinicDatabase) { self.database = database }

    /// Records `events` on their own (views, sign-ins, exports), committed before this returns.
    public func record(_ events: [AuditEvent], stamp: AuditStamp) async throws {
        try await database.write { db in try await AuditLog.append(events, stamp: stamp, in: db) }
    }

    /// Records one event on its own.
    public func record(_ event: AuditEvent, stamp: AuditStamp) async throws {
        try await record([event], stamp: stamp)
    }

    /// Newest first, entries older than `before` (a sequence number), at most `limit`.
    public func page(_ filter: AuditFilter, before: Int64? = nil, limit: Int) async throws -> [AuditEntry] {
        try await database.read { db in
            var query = Self.entries(matching: filter, db)
            if let before { query = query.where("sequence", .lessThan, SQLBind(before)) }
            return try await query.orderBy("sequence", .descending).limit(max(1, limit)).all().map(AuditLog.decode)
        }
    }

    /// Every entry matching `filter`, oldest first, handed over in chunks: for CSV export.
    public func forEachChunk(_ filter: AuditFilter, chunkSize: Int = 5_000,
                             _ body: ([AuditEntry]) async throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let start = after
            let chunk = try await database.read { db in
                try await Self.entries(matching: filter, db).where("sequence", .greaterThan, SQLBind(start))
                    .orderBy("sequence").limit(chunkSize).all().map(AuditLog.decode)
            }
            guard let last = chunk.last else { return }
            try await body(chunk)
            after = last.sequence
            if chunk.count < chunkSize { return }
        }
    }

    /// The SELECT of entries matching `filter`, before ordering and paging.
    private static func entries(matching filter: AuditFilter, _ db: any SQLDatabase) -> SQLSelectBuilder {
        var query = db.select().columns(AuditLog.columns.map { SQLColumn($0) }).from("audit_entries")
        if let userID = filter.userID { query = query.where("user_id", .equal, SQLBind(userID.uuidString)) }
        if let patientID = filter.patientID { query = query.where("patient_id", .equal, SQLBind(patientID.uuidString)) }
        if let action = filter.action { query = query.where("action", .equal, SQLBind(action.rawValue)) }
        if let from = filter.from { query = query.where("occurred_at", .greaterThanOrEqual, SQLBind(from.millisecondsSince1970)) }
        if let until = filter.until { query = query.where("occurred_at", .lessThan, SQLBind(until.millisecondsSince1970)) }
        return query
    }

    /// How many entries the trail holds.
    public func count() async throws -> Int {
        try await database.read { db in
            let row = try await db.raw("SELECT last_sequence FROM audit_chain_head WHERE id = 1").first()
            return try row?.decode(column: "last_sequence", as: Int.self) ?? 0
        }
    }

    /// Walks the whole chain and reports the first link that does not hold (see ``AuditVerifier``),
    /// checking entry MACs and `checkpoints` with `keys` (default: the keys the database was opened with).
    public func verify(chunkSize: Int = 10_000, checkpoints: [AuditCheckpoint] = [],
                       keys: ServerKeys? = nil) async throws -> AuditVerification {
        try await AuditVerifier(database: database, keys: keys ?? database.configuredKeys)
            .verify(chunkSize: chunkSize, checkpoints: checkpoints)
    }

    /// Signs the chain head as it is now: write the result outside the database.
    public func checkpoint(at date: Date) async throws -> AuditCheckpoint {
        let keys = database.keys
        return try await database.read { db in
            guard let head = try await db.raw("SELECT last_sequence, last_hash, keyed_from FROM audit_chain_head WHERE id = 1").first() else {
                throw StoredDataError(what: "audit chain head is missing")
            }
            return AuditCheckpoint.signed(sequence: try head.decode(column: "last_sequence", as: Int64.self),
                                          hash: try head.decode(column: "last_hash", as: String.self),
                                          keyedFrom: try head.decode(column: "keyed_from", as: Int64.self),
                                          at: date, keys: keys)
        }
    }
}
