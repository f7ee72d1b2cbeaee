import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// `/admin/clinic/scheduling`: the clinic's booking rules on the shared policy page. The API's
/// `PUT /api/v1/schedule/policy` keeps the same policy; the repository audits each change.
enum SchedulingPolicyForm: ClinicPolicyForm {
    static let path = "/admin/clinic/scheduling"
    static let savedMessage = "Booking rules saved."

    static func load(_ services: ClinicServices, clinic: Clinic) async throws -> SchedulingPolicy {
        try await ScheduleRepository(database: services.database).policy(of: clinic.id)
    }

    static func store(_ policy: SchedulingPolicy, _ services: ClinicServices, clinic: Clinic, stamp: AuditStamp) async throws {
        try await ScheduleRepository(database: services.database).update(policy, of: clinic.id, stamp: stamp)
    }

    static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        SchedulingPolicyPage.render(values: values, errors: errors, context: context)
    }

    /// The policy as form text.
    static func values(_ policy: SchedulingPolicy) -> [String: String] {
        ["chairsPerNurse": "\(policy.chairsPerNurse)", "esketamineChairMinutes": "\(policy.esketamineChairMinutes)",
         "racemicChairMinutes": "\(policy.racemicChairMinutes)", "slotStepMinutes": "\(policy.slotStepMinutes)",
         "lateCancellationHours": "\(policy.lateCancellationHours)", "searchDays": "\(policy.searchDays)",
         "screeningValidDays": "\(policy.screeningValidDays)"]
    }

    /// A policy from form text, or the field errors (a field the form leaves out keeps its value).
    static func policy(from fields: [String: String], current: SchedulingPolicy) throws(FieldErrors) -> SchedulingPolicy {
        var form = PolicyFormReader(fields)
        let policy = SchedulingPolicy(
            chairsPerNurse: form.whole("chairsPerNurse", keeping: current.chairsPerNurse),
            esketamineChairMinutes: form.whole("esketamineChairMinutes", keeping: current.esketamineChairMinutes),
            racemicChairMinutes: form.whole("racemicChairMinutes", keeping: current.racemicChairMinutes),
            slotStepMinutes: form.whole("slotStepMinutes", keeping: current.slotStepMinutes),
            lateCancellationHours: form.whole("lateCancellationHours", keeping: current.lateCancellationHours),
            searchDays: form.whole("searchDays", keeping: current.searchDays),
            screeningValidDays: form.whole("screeningValidDays", keeping: current.screeningValidDays))
        try form.errors.throwIfAny()
        return try policy.validated()
    }
}
