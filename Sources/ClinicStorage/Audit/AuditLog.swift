import ClinicDomain
import Foundation
import SQLKit

/// Appends to the audit trail inside the caller's write transaction, so an entry exists if and
/// only if the change it records was committed.
///
/// The chain head (`audit_chain_head`, one row) is updated first: on PostgreSQL its row lock
/// makes app instances sharing the database append one after another; on SQLite the write
/// transaction already does.
public enum AuditLog {
    static let columns = [
        "sequence", "occurred_at", "user_id", "actor_name", "role", "request_id", "ip_address", "action",
        "entity_type", "entity_id", "patient_id", "summary", "previous_hash", "hash", "mac",
    ]
    private static let insert = RowInsert(into: "audit_entries", columns: columns)

    /// The keys of the database whose write is running: set by ``ClinicDatabase`` around every
    /// write, so each entry gets its MAC without every caller passing the key.
    @TaskLocal public static var signingKeys: ServerKeys?

    /// Appends `events`, in order, all with `stamp`. Call it only inside ``ClinicDatabase/write(_:)``.
    public static func append(_ events: [AuditEvent], stamp: AuditStamp, in db: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        guard let head = try await db.raw("""
            UPDATE audit_chain_head SET last_sequence = last_sequence + \(bind: events.count)
            WHERE id = 1 RETURNING last_sequence, last_hash
            """).first() else { throw StoredDataError(what: "audit chain head is missing") }
        let last = try head.decode(column: "last_sequence", as: Int64.self)
        var previous = try head.decode(column: "last_hash", as: String.self)
        var sequence = last - Int64(events.count)
        var entries: [AuditEntry] = []
        entries.reserveCapacity(events.count)
        for event in events {
            sequence += 1
            let hash = AuditChain.hash(previousHash: previous, sequence: sequence, stamp: stamp, event: event)
            entries.append(AuditEntry(sequence: sequence, stamp: stamp, event: event, previousHash: previous, hash: hash))
            previous = hash
        }
        guard let keys = signingKeys else { throw StoredDataError(what: "audit key (write outside ClinicDatabase.write)") }
        // 15 columns × 500 rows stays under both engines' bound-parameter limits.
        for start in stride(from: 0, to: entries.count, by: 500) {
            try await db.raw(insert.statement(entries[start..<min(start + 500, entries.count)].map {
                values($0) + [keys.auditMAC(of: $0.hash)]
            })).run()
        }
        try await db.update("audit_chain_head").set("last_hash", to: SQLBind(previous)).where("id", .equal, SQLBind(1)).run()
    }

    /// Appends one event.
    public static func append(_ event: AuditEvent, stamp: AuditStamp, in db: any SQLDatabase) async throws {
        try await append([event], stamp: stamp, in: db)
    }

    private static func values(_ entry: AuditEntry) -> [any Encodable & Sendable] {
        let s = entry.stamp, e = entry.event
        return [
            entry.sequence, s.at.millisecondsSince1970, s.userID?.uuidString, s.actorName, s.role?.rawValue, s.requestID, s.ipAddress,
            e.action.rawValue, e.entityType, e.entityID, e.patientID?.uuidString, e.summary, entry.previousHash, entry.hash,
        ]
    }

    /// Reads one stored entry back.
    static func decode(_ row: any SQLRow) throws -> AuditEntry {
        let actionText = try row.decode(column: "action", as: String.self)
        guard let action = AuditAction(rawValue: actionText) else { throw StoredDataError(what: "audit action \(actionText)") }
        let stamp = AuditStamp(
            at: Date(millisecondsSince1970: try row.decode(column: "occurred_at", as: Int64.self)),
            userID: try row.decode(column: "user_id", as: String?.self).flatMap(UUID.init(uuidString:)),
            actorName: try row.decode(column: "actor_name", as: String.self),
            role: try row.decode(column: "role", as: String?.self).flatMap(Role.init(rawValue:)),
            requestID: try row.decode(column: "request_id", as: String.self),
            ipAddress: try row.decode(column: "ip_address", as: String.self))
        let event = AuditEvent(
            action, entityType: try row.decode(column: "entity_type", as: String.self),
            entityID: try row.decode(column: "entity_id", as: String.self),
            patientID: try row.decode(column: "patient_id", as: String?.self).flatMap(UUID.init(uuidString:)),
            summary: try row.decode(column: "summary", as: String.self))
        return AuditEntry(sequence: try row.decode(column: "sequence", as: Int64.self), stamp: stamp, event: event,
                          previousHash: try row.decode(column: "previous_hash", as: String.self),
                          hash: try row.decode(column: "hash", as: String.self))
    }
}
