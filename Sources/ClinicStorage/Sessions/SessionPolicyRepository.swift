import ClinicDomain
import Foundation

/// The clinic's ``SessionPolicy`` (alert thresholds, blood-pressure gates, discharge score,
/// observation minimum, escalation, chairs), stored as JSON on the clinic row; unset means the
/// documented defaults. Changes are audited.
public struct SessionPolicyRepository: Sendable {
    private let column: ClinicJSONColumn<SessionPolicy>

    /// A repository over `database`.
    public init(database: ClinicDatabase) {
        column = ClinicJSONColumn(database: database, column: "session_policy", entityType: "session_policy", defaults: .defaults)
    }

    /// The clinic's policy.
    public func policy(of clinicID: UUID) async throws -> SessionPolicy { try await column.value(of: clinicID) }

    /// Stores a validated policy.
    public func update(_ policy: SessionPolicy, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await column.update(policy, of: clinicID, stamp: stamp)
    }
}
