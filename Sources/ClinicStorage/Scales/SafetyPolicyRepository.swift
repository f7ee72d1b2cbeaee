import ClinicDomain
import Foundation

/// The clinic's ``SafetyPolicy`` (alert recipients, escalation, link lifetime, crisis resources),
/// stored as JSON on the clinic row; unset means the documented defaults. Changes are audited.
public struct SafetyPolicyRepository: Sendable {
    private let column: ClinicJSONColumn<SafetyPolicy>

    /// A repository over `database`.
    public init(database: ClinicDatabase) {
        column = ClinicJSONColumn(database: database, column: "safety_policy", entityType: "safety_policy", defaults: .defaults)
    }

    /// The clinic's policy.
    public func policy(of clinicID: UUID) async throws -> SafetyPolicy { try await column.value(of: clinicID) }

    /// Stores a validated policy.
    public func update(_ policy: SafetyPolicy, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await column.update(policy, of: clinicID, stamp: stamp)
    }
}
