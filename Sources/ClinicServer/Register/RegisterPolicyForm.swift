import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// `/register/policy`: the register's settings (opened-vial beyond-use days, syringe step) on the
/// shared policy page, for those who manage the register. The repository audits each change.
enum RegisterPolicyForm: ClinicPolicyForm {
    static let path = "/register/policy"
    static let savedMessage = "Register settings saved."
    static var permission: Permission { .registerManage }
    static var section: NavigationSection { .register }

    static func load(_ services: ClinicServices, clinic: Clinic) async throws -> RegisterPolicy {
        try await RegisterRepository(database: services.database).policy(clinicID: clinic.id)
    }

    static func store(_ policy: RegisterPolicy, _ services: ClinicServices, clinic: Clinic, stamp: AuditStamp) async throws {
        try await RegisterRepository(database: services.database).updatePolicy(policy, clinicID: clinic.id, stamp: stamp)
    }

    static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        RegisterPolicyPage.render(values: values, errors: errors, context: context)
    }

    /// The policy as form text.
    static func values(_ policy: RegisterPolicy) -> [String: String] {
        ["openedVialBeyondUseDays": "\(policy.openedVialBeyondUseDays)", "syringeStepHundredthsMl": "\(policy.syringeStepHundredthsMl)"]
    }

    /// A policy from form text, or the field errors (a field the form leaves out keeps its value).
    static func policy(from fields: [String: String], current: RegisterPolicy) throws(FieldErrors) -> RegisterPolicy {
        var form = PolicyFormReader(fields)
        let days = form.whole("openedVialBeyondUseDays", keeping: current.openedVialBeyondUseDays,
                              message: "Enter a whole number of days (USP <797> default 28 [X1]).")
        let step = form.whole("syringeStepHundredthsMl", keeping: current.syringeStepHundredthsMl,
                              message: "Enter the syringe step in hundredths of a mL (10 = 0.1 mL).")
        try form.errors.throwIfAny()
        return try RegisterPolicy(openedVialBeyondUseDays: days, syringeStepHundredthsMl: step).validated()
    }
}
