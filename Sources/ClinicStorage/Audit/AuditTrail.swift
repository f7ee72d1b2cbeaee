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

    /// Walks the whole chain in order and reports the first link that does not hold: a changed
    /// entry (its hash no longer matches), a missing or inserted one (a gap or repeat in the
    /// numbering, or a previous-hash that does not match), a reordered one, or a cut tail (the
    /// head records more than is there).
    public func verify(chunkSize: Int = 10_000) async throws -> AuditVerification {
        var expected: Int64 = 1
        var previous = AuditEntry.genesisHash
        var checked = 0
        while true {
            let after = expected - 1
            let rows = try await database.read { db in
                try await db.select().columns(AuditLog.columns.map { SQLColumn($0) }).from("audit_entries")
                    .where("sequence", .greaterThan, SQLBind(after)).orderBy("sequence").limit(chunkSize).all()
            }
            for row in rows {
                let entry: AuditEntry
                do { entry = try AuditLog.decode(row) } catch {
                    return .init(entriesChecked: checked, lastHash: previous,
                                 firstBreak: .init(sequence: expected, reason: "the entry cannot be read (\(error))"))
                }
                if let reason = Self.linkBreak(entry, expected: expected, previous: previous) {
                    return .init(entriesChecked: checked, lastHash: previous, firstBreak: .init(sequence: expected, reason: reason))
                }
                previous = entry.hash
                expected += 1
                checked += 1
            }
            if rows.count < chunkSize { break }
        }
        let head = try await database.read { db in try await db.raw("SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1").first() }
        let headSequence = try head?.decode(column: "last_sequence", as: Int64.self) ?? -1
        let headHash = try head?.decode(column: "last_hash", as: String.self) ?? ""
        if headSequence != expected - 1 || headHash != previous {
            return .init(entriesChecked: checked, lastHash: previous, firstBreak: .init(
                sequence: expected,
                reason: "the trail ends after entry \(expected - 1) but the chain head records \(headSequence) entries; later entries were removed"))
        }
        return .init(entriesChecked: checked, lastHash: previous, firstBreak: nil)
    }

    /// Why `entry` does not hold as entry number `expected` after hash `previous`, or nil.
    static func linkBreak(_ entry: AuditEntry, expected: Int64, previous: String) -> String? {
        if entry.sequence > expected { return "the entry is missing (the next entry is \(entry.sequence))" }
        if entry.previousHash != previous {
            return "the entry does not follow entry \(expected - 1): it was inserted, reordered or the one before it was removed"
        }
        let recomputed = AuditChain.hash(previousHash: previous, sequence: entry.sequence, stamp: entry.stamp, event: entry.event)
        if recomputed != entry.hash { return "the entry was altered after it was written" }
        return nil
    }
}
