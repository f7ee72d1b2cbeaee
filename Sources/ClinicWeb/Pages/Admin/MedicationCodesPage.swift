import ClinicDomain
import Plot

/// The administrator's form for the RxNorm codes the clinic's exported medications carry. None is
/// filled in by default: the reference gives no verified RxCUI for these products (NOT FOUND), so
/// the clinic enters the codes its pharmacy or RxNav gives for the products it stocks.
public enum MedicationCodesPage {
    /// The fields, their labels and hints (docs/fhir.md, "Medication codes").
    static let fields: [(field: String, label: String, hint: String)] = [
        ("ketamineRxCUI", "RxCUI for the racemic ketamine you infuse",
         "Digits only. Empty: no RxNorm code is written (the default; the reference has no verified code)."),
        ("esketamineRxCUI", "RxCUI for esketamine nasal spray (Spravato)",
         "Digits only. Empty: only the ATC code N06AX27 is written [R23]."),
    ]

    /// Renders the form with `values` in its fields and `errors` beside them.
    public static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        Layout.page(
            title: errors.isEmpty ? "Medication codes" : "Error: medication codes", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/admin/clinic"), .text("Clinic settings"))),
            .h1(.text("Medication codes")),
            .p(.class("hint"), .text("The RxNorm concept ids written on treatment plans and doses given when they are exported (FHIR "
                                     + "MedicationRequest and MedicationAdministration). Clinic policy; see docs/fhir.md.")),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action("/admin/clinic/medication-codes"),
                  .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  .group(fields.map { FormField.input($0.field, label: $0.label, value: values[$0.field], errors: errors, hint: $0.hint) }),
                  .div(.class("actions"), .button(.type(.submit), .text("Save"))))
        )
    }
}
