import ClinicDomain
import Plot

/// The administrator's form for the clinic's settings: name, time zone, jurisdiction, MRN
/// prefix, and whether administrators must use two-factor sign-in.
public enum ClinicSettingsPage {
    /// Renders the form with `values` (as stored, or as typed after an error).
    public static func render(values: [String: String], errors: FieldErrors, context: PageContext) -> String {
        Layout.page(
            title: errors.isEmpty ? "Clinic settings" : "Error: clinic settings", context: context,
            content:
            .h1(.text("Clinic settings")),
            .p(.class("hint"), .text("Screening thresholds and the definition of treatment-resistant depression: "),
               .a(.id("policy-link"), .href("/admin/clinic/policy"), .text("screening policy")), .text(". Suicidality alerts, "
                     + "self-report links and crisis resources: "),
               .a(.id("safety-link"), .href("/admin/clinic/safety"), .text("safety policy")), .text(". Vital-sign alerts, pre-dose gates, "
                     + "discharge and chairs: "),
               .a(.id("sessions-link"), .href("/admin/clinic/sessions"), .text("session policy")), .text(". Treatment protocols: "),
               .a(.href("/dosing/protocols"), .text("protocol library")), .text(". Spravato REMS setting details: "),
               .a(.id("rems-link"), .href("/admin/clinic/rems"), .text("REMS details")), .text(". Nurse:chair ratio, chair times and "
                     + "late cancellation: "),
               .a(.id("scheduling-link"), .href("/admin/clinic/scheduling"), .text("booking rules")), .text(". RxNorm codes for exported "
                     + "medications: "),
               .a(.id("medication-codes-link"), .href("/admin/clinic/medication-codes"), .text("medication codes")), .text(".")),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.post), .action("/admin/clinic"), .attribute(named: "novalidate", value: "novalidate"),
                  .csrfField(context),
                  FormField.input("name", label: "Clinic name", value: values["name"], errors: errors, required: true),
                  FormField.input("timeZone", label: "Time zone", value: values["timeZone"], errors: errors,
                                  hint: "IANA name, e.g. America/New_York or Europe/London.", required: true),
                  FormField.input("jurisdiction", label: "Jurisdiction", value: values["jurisdiction"], errors: errors,
                                  hint: "Country and state or province: US-NY, CA-ON, AU-VIC, GB, EU-DE…", required: true),
                  FormField.input("mrnPrefix", label: "MRN prefix", value: values["mrnPrefix"], errors: errors,
                                  hint: "1 to 6 letters or digits; applies to patients registered from now on.", required: true),
                  .div(.class("checkbox"),
                       .input(.type(.checkbox), .name("requireAdministratorTwoFactor"), .id("requireAdministratorTwoFactor"),
                              .value("on"),
                              .attribute(named: "checked", value: values["requireAdministratorTwoFactor"] == "on" ? "checked" : nil)),
                       .label(.for("requireAdministratorTwoFactor"), .text("Administrators must use two-factor sign-in"))),
                  .fieldset(.id("working-days"), .element(named: "legend", text: "Working days"),
                            .p(.class("hint"), .text("Treatment plans propose sessions only on these days.")),
                            .unwrap(errors["workingDays"]) { .p(.class("field-error"), .id("workingDays-error"), .text($0)) },
                            .group(Weekday.allCases.map { day in
                                FormField.checkbox("workingDay-\(day.code)", label: day.displayName,
                                                   checked: (ClinicSettings.workingDays(code: values["workingDays"] ?? "") ?? [])
                                                       .contains(day) || values["workingDay-\(day.code)"] == "on")
                            })),
                  .div(.class("actions"), .button(.type(.submit), .text("Save settings"))))
        )
    }
}
