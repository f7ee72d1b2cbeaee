import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// `/admin/clinic/policy`: the clinic's screening thresholds and treatment-resistance
/// definition. The repository audits each change with the old and new policy; the API
/// (`PUT /api/v1/clinic/policy`) and `ketaclinic clinic policy set` write the same values.
enum ScreeningPolicyForm: ClinicPolicyForm {
    static let path = "/admin/clinic/policy"
    static let savedMessage = "Screening policy saved."

    static func load(_ services: ClinicServices, clinic: Clinic) async throws -> ClinicPolicies {
        try await services.policies.policies(of: clinic.id)
    }

    static func store(_ policy: ClinicPolicies, _ services: ClinicServices, clinic: Clinic, stamp: AuditStamp) async throws {
        try await services.policies.update(policy, of: clinic.id, stamp: stamp)
    }

    static func values(_ policy: ClinicPolicies) -> [String: String] { policy.fieldValues }

    /// Every setting is on the form: a missing number is an empty one, an unticked box is off.
    static func policy(from fields: [String: String], current: ClinicPolicies) throws(FieldErrors) -> ClinicPolicies {
        var typed: [String: String] = [:]
        for name in ClinicPolicies.fieldNames { typed[name] = fields[name] ?? "" }
        return try current.applying(typed)
    }

    static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        ClinicPolicyPage.render(values: values, errors: errors, context: context)
    }
}
