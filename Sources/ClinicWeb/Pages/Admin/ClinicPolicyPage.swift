import ClinicDomain
import Plot

/// The administrator's form for the clinic's screening thresholds and its definition of
/// treatment-resistant depression. Every setting shows its unit, what it does, its default and
/// whether that default is sourced or clinic policy.
///
/// Field names: screening settings use their descriptor field (`restingSystolicLimit`);
/// treatment-resistance settings are prefixed with `resistance.` so the two policies' names never
/// collide.
public enum ClinicPolicyPage {
    /// The prefix of treatment-resistance field names.
    public static let resistancePrefix = "resistance."

    /// Renders the form with `values` (as stored, or as typed after an error).
    public static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        Layout.page(
            title: errors.isEmpty ? "Screening policy" : "Error: screening policy", context: context,
            content:
            .h1(.text("Screening policy")),
            .p(.class("hint"),
               .text("Thresholds screening applies and the clinic's definition of treatment-resistant depression. "
                     + "A sourced default comes from the clinical reference (the key in brackets); a clinic may tighten it. "
                     + "A clinic policy default is the clinic's choice where the reference has no value. "
                     + "Changes apply to screenings evaluated from now on; signed screenings keep the values they were signed with."),
               .text(" "), .a(.href("/admin/clinic"), .text("Back to clinic settings"))),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action("/admin/clinic/policy"),
                  .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  .fieldset(.id("screening-settings"),
                            .element(named: "legend", text: "Screening thresholds"),
                            .group(ScreeningPolicy.descriptors.map { screeningField($0, values: values, errors: errors) })),
                  .fieldset(.id("resistance-settings"),
                            .element(named: "legend", text: "Treatment-resistant depression"),
                            .group(TreatmentResistancePolicy.settings.map { resistanceField($0, values: values, errors: errors) })),
                  .div(.class("actions"), .button(.type(.submit), .text("Save policy"))))
        )
    }

    /// "sourced [R33]" or "clinic policy default [R33]".
    public static func statusText(sourced: Bool, sources: [String]) -> String {
        let keys = sources.map { "[\($0)]" }.joined()
        let status = sourced ? "sourced" : "clinic policy default"
        return keys.isEmpty ? status : "\(status) \(keys)"
    }

    private static func screeningField<C: HTML.BodyContext>(_ setting: ScreeningPolicy.SettingDescriptor, values: [String: String],
                                       errors: FieldErrors) -> Node<C> {
        let hint = "\(setting.help) Default: \(number(setting.defaultValue)) \(setting.unit) — "
            + statusText(sourced: setting.status == .sourced, sources: setting.sources) + "."
        return FormField.input(setting.field, label: "\(setting.label) (\(setting.unit))", value: values[setting.field],
                               errors: errors, hint: hint, required: true)
    }

    private static func resistanceField<C: HTML.BodyContext>(_ setting: TreatmentResistancePolicy.Setting, values: [String: String],
                                        errors: FieldErrors) -> Node<C> {
        let name = resistancePrefix + setting.field
        let status = statusText(sourced: setting.status == .sourced, sources: setting.sources)
        if setting.field == "requireDifferentDrugs" {
            return .group(
                FormField.checkbox(name, label: setting.label, checked: values[name] == "on",
                                   hint: "\(setting.help) Default: \(setting.defaultValue) — \(status)."),
                .unwrap(errors[name]) { .p(.class("field-error"), .id("\(name)-error"), .text($0)) })
        }
        let unit = setting.field == "adequateTrialWeeks" ? "weeks" : "trials"
        let label = setting.label.hasSuffix("(weeks)") ? setting.label : "\(setting.label) (\(unit))"
        return FormField.input(name, label: label, value: values[name], errors: errors,
                               hint: "\(setting.help) Default: \(setting.defaultValue) \(unit) — \(status).", required: true)
    }

    /// A value without a trailing ".0".
    private static func number(_ value: Double) -> String {
        NumberText.exact(value)
    }
}
