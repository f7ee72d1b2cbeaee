import ClinicDomain
import Plot

extension PatientRegistrationPage {
    /// Renders the registration form, with the errors of a rejected attempt if any.
    public static func render(_ model: Model, context: PageContext) -> String {
        let values = model.values
        let errors = model.errors
        return Layout.page(
            title: errors.isEmpty ? "Register a patient" : "Error: register a patient", context: context,
            content:
            .h1(.text("Register a patient")),
            FormField.errorSummary(errors),
            .form(
                .class("stacked"), .action("/patients"), .method(.post), .attribute(named: "novalidate", value: "novalidate"),
                .csrfField(context),
                FormField.input("givenName", label: "Given name", value: values["givenName"], errors: errors,
                                required: true, autocomplete: "off"),
                FormField.input("familyName", label: "Family name", value: values["familyName"], errors: errors,
                                required: true, autocomplete: "off"),
                FormField.input("dateOfBirth", label: "Date of birth", type: .date, value: values["dateOfBirth"],
                                errors: errors, hint: "For example 1984-03-27.", required: true),
                FormField.select("sexAtBirth", label: "Sex at birth",
                                 choices: SexAtBirth.allCases.map { ($0.rawValue, $0.displayName) },
                                 selected: values["sexAtBirth"], errors: errors,
                                 hint: "Used for weight-based dose formulas."),
                FormField.input("genderIdentity", label: "Gender identity", value: values["genderIdentity"],
                                errors: errors, hint: "In the patient's own words."),
                .div(.class("actions"),
                     .button(.type(.submit), .text("Register patient")),
                     .a(.href("/patients"), .text("Cancel")))
            )
        )
    }
}
