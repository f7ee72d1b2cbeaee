import ClinicDomain
import Plot

/// The administrator's form for the clinic's session policy: alert thresholds, the pre-dose
/// blood-pressure gates, the discharge score, the IV observation minimum and fasting rule,
/// alert escalation, reading tolerance and the chairs.
public enum SessionPolicyPage {
    /// The numeric fields, their labels and sources.
    static let numbers: [(field: String, label: String, hint: String)] = [
        ("systolicAbove", "Alert: systolic above (mmHg)", "Default 180: clinic policy borrowing trial exclusions [R40]."),
        ("diastolicAbove", "Alert: diastolic above (mmHg)", "Default 100: clinic policy borrowing the Swiss label [R33]."),
        ("heartRateBelow", "Alert: heart rate below (/min)", "Default 50 [R40]; clinic policy."),
        ("heartRateAbove", "Alert: heart rate above (/min)", "Default 120 [R40]; clinic policy."),
        ("oxygenSaturationBelow", "Alert: SpO2 below (%)", "Default 92, the Aldrete criterion [R39]; clinic policy."),
        ("respiratoryRateBelow", "Alert: respiratory rate below (/min)", "Default 10 [R40]; clinic policy."),
        ("respiratoryRateAbove", "Alert: respiratory rate above (/min)", "Default 30 [R40]; clinic policy."),
        ("systolicRise", "Alert: systolic rise from baseline (mmHg)", "Default 40 [R18]."),
        ("diastolicRise", "Alert: diastolic rise from baseline (mmHg)", "Default 25 [R18]."),
        ("dischargeAldreteAtOrAbove", "Discharge: modified Aldrete at or above", "Default 9 [R39-Miller]."),
        ("racemicMinimumObservationMinutes", "IV/IM ketamine: minimum observation after the dose (minutes)",
         "No published number (NOT FOUND); empty by default. Esketamine is always at least 120 [R13]."),
        ("chartingIntervalMinutes", "Vital-sign chart: minutes between points (1–60)",
         "Empty: one point a minute (clinic policy). Alerting readings always show; the record keeps every reading."),
        ("escalateAlertsAfterMinutes", "Escalate an unacknowledged alert after (minutes)", "Default 5; clinic policy."),
        ("readingToleranceMinutes", "A reading counts for its due time within (minutes)", "Default 5; clinic policy."),
    ]

    /// Renders the form.
    public static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        let rules = PreDoseBloodPressureRule.allCases.map { rule in
            (rule.rawValue, rule == .esketamineLabel ? "Label guide: above 140/90 [R16]" : "Trial rule: SBP > 140 (> 150 over 65) or DBP > 90 [R17]")
        }
        return Layout.page(
            title: errors.isEmpty ? "Treatment sessions" : "Error: treatment sessions", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/admin/clinic"), .text("Clinic settings"))),
            .h1(.text("Treatment sessions")),
            .p(.class("hint"), .text("Thresholds without a published source are the clinic's policy; see docs/treatment-sessions.md.")),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action("/admin/clinic/sessions"), .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  .group(numbers.map { FormField.input($0.field, label: $0.label, value: values[$0.field], errors: errors, hint: $0.hint) }),
                  FormField.select("esketamineBloodPressureRule", label: "Esketamine: pre-dose blood-pressure gate", choices: rules,
                                   selected: values["esketamineBloodPressureRule"], errors: errors),
                  FormField.select("racemicBloodPressureRule", label: "IV/IM ketamine: pre-dose blood-pressure gate",
                                   choices: rules + [("none", "No gate")], selected: values["racemicBloodPressureRule"], errors: errors,
                                   hint: "No IV rule is published; the default borrows the trial rule [R17]."),
                  FormField.input("racemicFastingInstruction", label: "IV/IM ketamine: fasting instruction", value: values["racemicFastingInstruction"],
                                  errors: errors, hint: "No published rule (NOT FOUND); empty means the checklist's fasting item does not apply."),
                  FormField.input("chairs", label: "Chairs or rooms (comma-separated, in board order)", value: values["chairs"], errors: errors,
                                  required: true),
                  .div(.class("actions"), .button(.type(.submit), .text("Save"))))
        )
    }
}
