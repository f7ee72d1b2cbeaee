import ClinicDomain
import Plot

/// The administrator's form for the clinic's safety policy: who is alerted at once, who after the
/// escalation time, how long self-report links stay open, and the crisis resources patients see.
public enum SafetyPolicyPage {
    /// Renders the form.
    public static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        Layout.page(
            title: errors.isEmpty ? "Safety alerts and self-report" : "Error: safety alerts and self-report", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/admin/clinic"), .text("Clinic settings"))),
            .h1(.text("Safety alerts and self-report")),
            .p(.class("hint"), .text("No source gives these values; each is the clinic's policy. Defaults: every prescriber is alerted, "
                                     + "escalation to administrators and prescribers after 15 minutes, links open 72 hours.")),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action("/admin/clinic/safety"), .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  FormField.input("alertRecipients", label: "Alert at once (emails, comma-separated)", value: values["alertRecipients"],
                                  errors: errors, hint: "Empty: every active prescriber."),
                  FormField.input("escalationRecipients", label: "Escalate to (emails, comma-separated)",
                                  value: values["escalationRecipients"], errors: errors,
                                  hint: "Empty: every active administrator and prescriber."),
                  FormField.input("escalateAfterMinutes", label: "Escalate after (minutes)", value: values["escalateAfterMinutes"],
                                  errors: errors, required: true),
                  FormField.input("linkLifetimeHours", label: "Self-report links stay open (hours)", value: values["linkLifetimeHours"],
                                  errors: errors, required: true),
                  FormField.textArea("crisisResources", label: "Crisis resources shown to patients (one per line)",
                                     value: values["crisisResources"], errors: errors,
                                     hint: "Shown after every self-report. Enter your jurisdiction's crisis lines."),
                  FormField.input("clinicPhone", label: "The clinic's phone number for patients", type: .tel,
                                  value: values["clinicPhone"], errors: errors,
                                  hint: "Shown to patients as a tap-to-call link beside the crisis lines of your jurisdiction."),
                  .fieldset(.id("outcome-rules"), .element(named: "legend", text: "Outcome rules (clinic policy)"),
                            .p(.class("hint"), .text("Response is a drop of at least 50% from baseline [R55-ELEKT]. The relapse rule and "
                                                     + "the end of a dose's effect have no published definition here: set them as your "
                                                     + "clinic measures them. See docs/outcomes.md.")),
                            FormField.input("relapseFractionOfBaseline", label: "Relapse: score above this fraction of baseline",
                                            value: values["relapseFractionOfBaseline"], errors: errors, hint: "Default 0.5: the response is lost.",
                                            required: true),
                            FormField.input("relapseConsecutive", label: "Relapse: on this many consecutive scores",
                                            value: values["relapseConsecutive"], errors: errors, hint: "Default 2.", required: true),
                            FormField.input("effectEndsAboveFractionOfBaseline", label: "A dose's effect ends above this fraction of baseline",
                                            value: values["effectEndsAboveFractionOfBaseline"], errors: errors, hint: "Default 0.5.",
                                            required: true),
                            FormField.input("effectEndsAboveScore", label: "…or above this score (overrides the fraction)",
                                            value: values["effectEndsAboveScore"], errors: errors, hint: "Empty by default.")),
                  .div(.class("actions"), .button(.type(.submit), .text("Save"))))
        )
    }
}
