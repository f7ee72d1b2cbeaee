import ClinicDomain
import Plot

/// The administrator's form for the clinic's REMS details: the healthcare setting's kind, name,
/// address and telephone, and the designated monitoring provider the Patient Monitoring Form
/// names when the session's record names no staff account [R19][R21].
public enum RemsSettingPage {
    /// The form's fields, in order, with their labels.
    public static let fields: [(name: String, label: String, hint: String?)] = [
        ("settingName", "Healthcare setting name", "As certified in the REMS; empty uses the clinic's name."),
        ("address1", "Address 1", nil), ("address2", "Address 2", nil), ("city", "City", nil),
        ("state", "State", "Two letters, e.g. NY."), ("zip", "ZIP", "5 digits or ZIP+4."),
        ("telephone", "Monitoring HCP telephone", "With the area code."),
        ("monitoringFirstName", "Designated monitoring HCP first name", nil),
        ("monitoringLastName", "Designated monitoring HCP last name", nil),
        ("monitoringEmail", "Designated monitoring HCP email", nil),
    ]

    /// Renders the form with `values` (as stored, or as typed after an error).
    public static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        Layout.page(
            title: errors.isEmpty ? "REMS setting details" : "Error: REMS setting details", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/admin/clinic"), .text("Clinic settings"))),
            .h1(.text("REMS setting details")),
            .p(.class("hint"), .text("What the Spravato REMS Patient Monitoring Form asks about the healthcare setting [R19]. "
                                     + "Empty fields are listed on each form as fields to complete.")),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action("/admin/clinic/rems"), .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  FormField.select("kind", label: "Setting", choices: RemsSettingDetails.SettingKind.allCases.map {
                      ($0.rawValue, $0.displayName + ($0 == .inpatient ? " (exempt from monitoring forms [R21])" : ""))
                  }, selected: values["kind"], errors: errors),
                  .group(fields.map { field in
                      FormField.input(field.name, label: field.label, value: values[field.name], errors: errors, hint: field.hint)
                  }),
                  .div(.class("actions"), .button(.type(.submit), .text("Save REMS details"))))
        )
    }
}
