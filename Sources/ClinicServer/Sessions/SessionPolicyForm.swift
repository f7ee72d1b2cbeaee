import ClinicDomain
import ClinicStorage
import ClinicWeb
import Hummingbird

/// `/admin/clinic/sessions`: the clinic's session policy (alert thresholds, pre-dose gates,
/// discharge, observation, escalation, chairs). The repository audits each change.
enum SessionPolicyForm: ClinicPolicyForm {
    static let path = "/admin/clinic/sessions"
    static let savedMessage = "Session policy saved."

    static func load(_ services: ClinicServices, clinic: Clinic) async throws -> SessionPolicy {
        try await services.sessionPolicies.policy(of: clinic.id)
    }

    static func store(_ policy: SessionPolicy, _ services: ClinicServices, clinic: Clinic, stamp: AuditStamp) async throws {
        try await services.sessionPolicies.update(policy, of: clinic.id, stamp: stamp)
    }

    static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        SessionPolicyPage.render(values: values, errors: errors, context: context)
    }

    /// The policy as form text.
    static func values(_ policy: SessionPolicy) -> [String: String] {
        let alerts = policy.alerts
        return ["systolicAbove": "\(alerts.systolicAbove)", "diastolicAbove": "\(alerts.diastolicAbove)",
                "heartRateBelow": "\(alerts.heartRateBelow)", "heartRateAbove": "\(alerts.heartRateAbove)",
                "oxygenSaturationBelow": "\(alerts.oxygenSaturationBelow)", "respiratoryRateBelow": "\(alerts.respiratoryRateBelow)",
                "respiratoryRateAbove": "\(alerts.respiratoryRateAbove)", "systolicRise": "\(alerts.systolicRise)",
                "diastolicRise": "\(alerts.diastolicRise)", "dischargeAldreteAtOrAbove": "\(policy.dischargeAldreteAtOrAbove)",
                "racemicMinimumObservationMinutes": policy.racemicMinimumObservationMinutes.map(String.init) ?? "",
                "chartingIntervalMinutes": policy.chartingIntervalMinutes.map(String.init) ?? "",
                "escalateAlertsAfterMinutes": "\(policy.escalateAlertsAfterMinutes)", "readingToleranceMinutes": "\(policy.readingToleranceMinutes)",
                "esketamineBloodPressureRule": policy.esketamineBloodPressureRule.rawValue,
                "racemicBloodPressureRule": policy.racemicBloodPressureRule?.rawValue ?? "none",
                "racemicFastingInstruction": policy.racemicFastingInstruction ?? "", "chairs": policy.chairs.joined(separator: ", ")]
    }

    /// A policy from form text, or the field errors.
    static func policy(from fields: [String: String], current: SessionPolicy) throws(FieldErrors) -> SessionPolicy {
        var form = PolicyFormReader(fields)
        let optionalMinutes = form.optionalWhole("racemicMinimumObservationMinutes", message: "Enter minutes, or leave empty.")
        let chartingMinutes = form.optionalWhole("chartingIntervalMinutes", message: "Enter minutes, or leave empty.")
        let esketamineRule = PreDoseBloodPressureRule(rawValue: fields["esketamineBloodPressureRule"] ?? "")
        if esketamineRule == nil { form.errors.add("esketamineBloodPressureRule", "Choose a gate.") }
        let racemicText = fields["racemicBloodPressureRule"] ?? ""
        let racemicRule = PreDoseBloodPressureRule(rawValue: racemicText)
        if racemicRule == nil && racemicText != "none" { form.errors.add("racemicBloodPressureRule", "Choose a gate or no gate.") }
        let alerts = VitalSignAlertPolicy(
            systolicAbove: form.whole("systolicAbove"), diastolicAbove: form.whole("diastolicAbove"), heartRateBelow: form.whole("heartRateBelow"),
            heartRateAbove: form.whole("heartRateAbove"), oxygenSaturationBelow: form.whole("oxygenSaturationBelow"),
            respiratoryRateBelow: form.whole("respiratoryRateBelow"), respiratoryRateAbove: form.whole("respiratoryRateAbove"),
            systolicRise: form.whole("systolicRise"), diastolicRise: form.whole("diastolicRise"))
        var policy = SessionPolicy(
            alerts: alerts, esketamineBloodPressureRule: esketamineRule ?? .esketamineLabel, racemicBloodPressureRule: racemicRule,
            dischargeAldreteAtOrAbove: form.whole("dischargeAldreteAtOrAbove"), racemicMinimumObservationMinutes: optionalMinutes,
            racemicFastingInstruction: fields["racemicFastingInstruction"], escalateAlertsAfterMinutes: form.whole("escalateAlertsAfterMinutes"),
            readingToleranceMinutes: form.whole("readingToleranceMinutes"),
            chairs: (fields["chairs"] ?? "").split(separator: ",").map { String($0) })
        policy.chartingIntervalMinutes = chartingMinutes
        try form.errors.throwIfAny()
        return try policy.validated()
    }
}
