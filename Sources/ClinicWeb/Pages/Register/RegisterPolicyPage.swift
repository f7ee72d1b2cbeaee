import ClinicDomain
import Plot

/// The form for the register's settings: how long an opened multi-dose vial may be used and the
/// syringe step a draw is rounded up to. Both are clinic policy; each hint names its source.
public enum RegisterPolicyPage {
    /// The settings form (the shared register form renderer draws it).
    public static let form = RegisterForm(
        id: "policy-form", title: "Register settings", action: "/register/policy", submit: "Save the settings",
        fields: [.input("openedVialBeyondUseDays", "Days an opened multi-dose vial may be used", .number,
                        hint: "USP <797>: 28 days after first puncture unless the label says otherwise [X1]. Clinic policy."),
                 .input("syringeStepHundredthsMl", "Syringe step (hundredths of a mL)", .number,
                        hint: "10 = 0.1 mL: a draw is rounded up to it and the extra proposed as waste. Clinic policy.")])

    /// Renders the page with `values` in its fields and `errors` beside them.
    public static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        Layout.page(
            title: errors.isEmpty ? "Register settings" : "Error: register settings", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/register"), .text("Controlled-substance register")), .text(" · "),
               .a(.href("/register/settings"), .text("Products and locations"))),
            .h1(.text("Register settings")),
            FormField.errorSummary(errors),
            form.node(values: values, errors: errors, page: context))
    }
}
