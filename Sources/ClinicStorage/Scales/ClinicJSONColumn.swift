import ClinicDomain
import Foundation
import SQLKit

/// A clinic policy stored as JSON in one column of the clinic row; unset means the documented
/// defaults. Changes are audited. Shared by every clinic policy stored this way (``ClinicPolicyStore``, the scheduling, reminder and billing repositories).
struct ClinicJSONColumn<Value: Codable & Sendable>: Sendable {
    let database: ClinicDatabase
    /// The column on `clinics`.
    let column: String
    /// The audit trail's entity type.
    let entityType: String
    /// The value when the clinic has set none.
    let defaults: Value

    /// The clinic's value.
    func value(of clinicID: UUID) async throws -> Value {
        let (column, defaults) = (column, defaults)
        return try await database.read { db in
            try await Self.decode(Value.self, column: column, clinicID: clinicID, defaults: defaults, db)
        }
    }

    /// Stores a validated value.
    func update(_ value: Value, of clinicID: UUID, stamp: AuditStamp) async throws {
        let text = try StoredJSON.text(value)
        let (column, entityType) = (column, entityType)
        try await database.write { db in
            guard try await db.raw("""
                UPDATE clinics SET \(ident: column) = \(bind: text), updated_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE id = \(bind: clinicID.uuidString) RETURNING id
                """).first() != nil else { throw UnknownClinicError(clinicID: clinicID) }
            try await AuditLog.append(AuditEvent(.update, entityType: entityType, entityID: clinicID.uuidString, summary: text),
                                      stamp: stamp, in: db)
        }
    }
}

extension ClinicJSONColumn {
    /// The clinic's value read inside a caller's transaction (the calendar reads its policy with its bookings).
    static func decode(_ type: Value.Type, column: String, clinicID: UUID, defaults: Value, _ db: any SQLDatabase) async throws -> Value {
        guard let row = try await db.select().column(column).from("clinics")
            .where("id", .equal, SQLBind(clinicID.uuidString)).first() else { throw UnknownClinicError(clinicID: clinicID) }
        guard let text = try row.decode(column: column, as: String?.self) else { return defaults }
        return try StoredJSON.decoder.decode(Value.self, from: Data(text.utf8))
    }
}

/// A clinic policy that is nothing but its column on the clinic row: read with its documented
/// defaults when unset, stored (already validated) with an audit entry of the whole new value.
/// Each such policy is one typealias and one `init(database:)` naming its column
/// (`SafetyPolicyRepository`, `SessionPolicyRepository`, `MedicationCodeRepository`).
public struct ClinicPolicyStore<Policy: Codable & Sendable>: Sendable {
    private let column: ClinicJSONColumn<Policy>

    init(database: ClinicDatabase, column: String, defaults: Policy) {
        self.column = ClinicJSONColumn(database: database, column: column, entityType: column, defaults: defaults)
    }

    /// The clinic's policy, or the defaults when it has set none.
    public func policy(of clinicID: UUID) async throws -> Policy { try await column.value(of: clinicID) }

    /// Stores a validated policy and audits the change.
    public func update(_ policy: Policy, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await column.update(policy, of: clinicID, stamp: stamp)
    }
}
