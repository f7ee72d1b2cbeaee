import ClinicDomain

/// The clinic's ``SafetyPolicy`` (alert recipients, escalation, link lifetime, crisis resources),
/// stored as JSON on the clinic row; unset means the documented defaults. Changes are audited.
public typealias SafetyPolicyRepository = ClinicPolicyStore<SafetyPolicy>

extension ClinicPolicyStore where Policy == SafetyPolicy {
    /// The safety policy of the clinics in `database` (column `safety_policy`).
    public init(database: ClinicDatabase) { self.init(database: database, column: "safety_policy", defaults: .defaults) }
}
