import ClinicDomain

/// The clinic's ``SessionPolicy`` (alert thresholds, blood-pressure gates, discharge score,
/// observation minimum, escalation, chairs), stored as JSON on the clinic row; unset means the
/// documented defaults. Changes are audited.
public typealias SessionPolicyRepository = ClinicPolicyStore<SessionPolicy>

extension ClinicPolicyStore where Policy == SessionPolicy {
    /// The session policy of the clinics in `database` (column `session_policy`).
    public init(database: ClinicDatabase) { self.init(database: database, column: "session_policy", defaults: .defaults) }
}
