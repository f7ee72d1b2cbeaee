import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// `/admin/clinic/safety`: who is alerted about suicidality and when it escalates, how long
/// self-report links stay open, and the crisis resources patients see. Changes are audited.
enum SafetyPolicyForm: ClinicPolicyForm {
    static let path = "/admin/clinic/safety"
    static let savedMessage = "Safety policy saved."

    static func load(_ services: ClinicServices, clinic: Clinic) async throws -> SafetyPolicy {
        try await services.safetyPolicies.policy(of: clinic.id)
    }

    /// Alerts go to staff only: every recipient must be an active account.
    static func store(_ policy: SafetyPolicy, _ services: ClinicServices, clinic: Clinic, stamp: AuditStamp) async throws {
        let staff = Set(try await services.users.all().filter(\.isActive).map { "\($0.email)".lowercased() })
        var notStaff = FieldErrors()
        for (field, list) in [("alertRecipients", policy.alertRecipients), ("escalationRecipients", policy.escalationRecipients)] {
            if let outsider = list.first(where: { !staff.contains($0.lowercased()) }) {
                notStaff.add(field, "'\(outsider)' is not an active staff account; alerts go to staff only.")
            }
        }
        try notStaff.throwIfAny()
        try await services.safetyPolicies.update(policy, of: clinic.id, stamp: stamp)
    }

    static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        SafetyPolicyPage.render(values: values, errors: errors, context: context)
    }

    /// The policy as form text.
    static func values(_ policy: SafetyPolicy) -> [String: String] {
        ["alertRecipients": policy.alertRecipients.joined(separator: ", "),
         "escalationRecipients": policy.escalationRecipients.joined(separator: ", "),
         "escalateAfterMinutes": String(policy.escalateAfterMinutes), "linkLifetimeHours": String(policy.linkLifetimeHours),
         "crisisResources": policy.crisisResources.joined(separator: "\n"),
         "clinicPhone": policy.clinicPhone ?? "",
         "relapseFractionOfBaseline": Rounding.text(policy.outcomePolicy.relapseRule.relapseFractionOfBaseline, places: 2),
         "relapseConsecutive": String(policy.outcomePolicy.relapseRule.relapseConsecutive),
         "effectEndsAboveFractionOfBaseline": Rounding.text(policy.outcomePolicy.effectEndsAboveFractionOfBaseline, places: 2),
         "effectEndsAboveScore": policy.outcomePolicy.effectEndsAboveScore.map(String.init) ?? ""]
    }

    /// A policy from form text, or the field errors.
    static func policy(from fields: [String: String], current: SafetyPolicy) throws(FieldErrors) -> SafetyPolicy {
        var form = PolicyFormReader(fields)
        func list(_ name: String) -> [String] { (fields[name] ?? "").split(separator: ",").map { String($0).trimmed } }
        func fraction(_ name: String, _ fallback: Double) -> Double {
            guard let text = fields[name]?.trimmed, !text.isEmpty else { return fallback }
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                form.errors.add(name, "Enter a fraction such as 0.5.")
                return fallback
            }
            return value
        }
        let minutes = form.whole("escalateAfterMinutes"), hours = form.whole("linkLifetimeHours")
        var outcomes = current.outcomePolicy
        outcomes.relapseRule.relapseFractionOfBaseline = fraction("relapseFractionOfBaseline", outcomes.relapseRule.relapseFractionOfBaseline)
        outcomes.relapseRule.relapseConsecutive = form.whole("relapseConsecutive")
        outcomes.effectEndsAboveFractionOfBaseline = fraction("effectEndsAboveFractionOfBaseline", outcomes.effectEndsAboveFractionOfBaseline)
        if let score = form.optionalWhole("effectEndsAboveScore", message: "Enter a whole score, or leave it empty.") {
            outcomes.effectEndsAboveScore = score
        }
        try form.errors.throwIfAny()
        var policy = SafetyPolicy(alertRecipients: list("alertRecipients"), escalationRecipients: list("escalationRecipients"),
                                  escalateAfterMinutes: minutes, linkLifetimeHours: hours,
                                  crisisResources: (fields["crisisResources"] ?? "").split(whereSeparator: \.isNewline).map(String.init))
        policy.clinicPhone = fields["clinicPhone"]
        // A clinic that never set outcome rules keeps following the defaults as they evolve.
        policy.outcomes = outcomes == current.outcomePolicy ? current.outcomes : outcomes
        return try policy.validated()
    }
}
