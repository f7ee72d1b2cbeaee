import ClinicDomain
import Plot

/// The administrator's form for the clinic's booking rules: the nurse:chair ratio, how long each
/// treatment holds a chair, the slot grid, late cancellation, the proposer's search window and how
/// long a screening counts as current. Each field names its source or says it is clinic policy.
public enum SchedulingPolicyPage {
    /// The fields, their labels and sources (docs/scheduling.md, "Booking policy").
    static let numbers: [(field: String, label: String, hint: String)] = [
        ("chairsPerNurse", "Chairs one nurse may watch at once", "Default 2 (1:2): clinic policy; no guideline publishes a ratio (NOT FOUND)."),
        ("esketamineChairMinutes", "Esketamine: minutes a chair is held",
         "At least 120, the REMS's 2-hour monitoring [R13][R19]; default 120."),
        ("racemicChairMinutes", "IV/IM ketamine: minutes a chair is held (infusion and observation)",
         "Default 120: clinic policy; no numeric observation guideline (NOT FOUND [R32])."),
        ("slotStepMinutes", "Slot starts fall every (minutes)", "5, 10, 15, 20, 30 or 60; default 15: clinic policy."),
        ("lateCancellationHours", "A cancellation is late when less than this many hours before the start", "Default 24: clinic policy."),
        ("searchDays", "Proposals may move a session up to this many days after its planned day", "Default 7: clinic policy."),
        ("screeningValidDays", "A signed screening counts as current for IV/IM booking for (days)",
         "Default 365: clinic policy; no source sets how long a screening holds (NOT FOUND)."),
    ]

    /// Renders the form.
    public static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        Layout.page(
            title: errors.isEmpty ? "Booking rules" : "Error: booking rules", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/admin/clinic"), .text("Clinic settings"))),
            .h1(.text("Booking rules")),
            .p(.class("hint"), .text("How the calendar books and checks sessions; see docs/scheduling.md. Chairs, hours and closures are set on the calendar.")),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action("/admin/clinic/scheduling"), .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  .group(numbers.map { FormField.input($0.field, label: $0.label, value: values[$0.field], errors: errors, hint: $0.hint) }),
                  .div(.class("actions"), .button(.type(.submit), .text("Save"))))
        )
    }
}
