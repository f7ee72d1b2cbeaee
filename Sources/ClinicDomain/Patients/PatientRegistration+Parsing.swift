extension PatientRegistration {
    /// Parses a registration from text fields as a form or an API body carries them, and
    /// validates it, so both entry points give the same field-level messages.
    ///
    /// Keys: `givenName`, `familyName`, `dateOfBirth` (YYYY-MM-DD), `sexAtBirth`
    /// (`female`, `male`, `unknown`), `genderIdentity` (optional).
    public static func parse(_ fields: [String: String], today: CalendarDate) throws(FieldErrors) -> PatientRegistration {
        var errors = FieldErrors()
        let birthText = fields["dateOfBirth"]?.trimmed ?? ""
        let birth = CalendarDate(iso: birthText)
        if birthText.isEmpty {
            errors.add("dateOfBirth", "Enter the date of birth.")
        } else if birth == nil {
            errors.add("dateOfBirth", "Enter a real date as YYYY-MM-DD, for example 1984-03-27.")
        }
        let sexText = fields["sexAtBirth"]?.trimmed.lowercased() ?? ""
        let sex = SexAtBirth(rawValue: sexText)
        if sex == nil {
            errors.add("sexAtBirth", sexText.isEmpty ? "Choose the sex at birth." : "Choose female, male or unknown.")
        }
        let draft = PatientRegistration(
            givenName: fields["givenName"] ?? "", familyName: fields["familyName"] ?? "",
            dateOfBirth: birth ?? today, sexAtBirth: sex ?? .unknown, genderIdentity: fields["genderIdentity"])
        do {
            let valid = try draft.validated(today: today)
            try errors.throwIfAny()
            return valid
        } catch {
            for entry in error.entries { errors.add(entry.field, entry.message) }
            throw Self.ordered(errors)
        }
    }

    /// Errors in the order the form shows its fields, so the summary reads top to bottom.
    private static func ordered(_ errors: FieldErrors) -> FieldErrors {
        var sorted = FieldErrors()
        for field in ["givenName", "familyName", "dateOfBirth", "sexAtBirth", "genderIdentity"] {
            if let message = errors[field] { sorted.add(field, message) }
        }
        return sorted
    }
}
