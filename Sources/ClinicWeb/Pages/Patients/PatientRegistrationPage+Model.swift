import ClinicDomain

/// The form that opens a new chart.
public struct PatientRegistrationPage: Sendable {
    /// The form's values (as typed, so a rejected form comes back as the user left it) and errors.
    public struct Model: Sendable {
        /// Field values by name.
        public var values: [String: String]
        /// What is wrong, by field.
        public var errors: FieldErrors

        /// Creates the model; an empty form by default.
        public init(values: [String: String] = [:], errors: FieldErrors = FieldErrors()) {
            self.values = values
            self.errors = errors
        }
    }
}
