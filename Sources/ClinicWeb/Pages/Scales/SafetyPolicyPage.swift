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
                  .div(.class("actions"), .button(.type(.submit), .text("Save"))))
        )
    }
}
