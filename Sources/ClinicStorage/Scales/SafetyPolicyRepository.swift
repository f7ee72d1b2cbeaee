import ClinicDomain
import Foundation
import SQLKit

/// The clinic's ``SafetyPolicy`` (alert recipients, escalation, link lifetime, crisis resources),
/// stored as JSON on the clinic row; unset means the documented defaults. Changes are audited.
public struct SafetyPolicyRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// The clinic's policy.
    public func policy(of clinicID: UUID) async throws -> SafetyPolicy {
        try await database.read { db in
            guard let row = try await db.select().column("safety_policy").from("clinics")
                .where("id", .equal, SQLBind(clinicID.uuidString)).first() else { throw UnknownClinicError(clinicID: clinicID) }
            guard let text = try row.decode(column: "safety_policy", as: String?.self) else { return .defaults }
            return try StoredJSON.decoder.decode(SafetyPolicy.self, from: Data(text.utf8))
        }
    }

    /// Stores a validated policy.
    public func update(_ policy: SafetyPolicy, of clinicID: UUID, stamp: AuditStamp) async throws {
        let text = try StoredJSON.text(policy)
        try await database.write { db in
            guard try await db.raw("""
                UPDATE clinics SET safety_policy = \(bind: text), updated_at = \(bind: stamp.at.millisecondsSince1970)
                WHERE id = \(bind: clinicID.uuidString) RETURNING id
                """).first() != nil else { throw UnknownClinicError(clinicID: clinicID) }
            try await AuditLog.append(AuditEvent(.update, entityType: "safety_policy", entityID: clinicID.uuidString, summary: text),
                                      stamp: stamp, in: db)
        }
    }
}
