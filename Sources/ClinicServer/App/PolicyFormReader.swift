import ClinicDomain

/// A policy form's text, read field by field while gathering every field's error, so that each
/// ``ClinicPolicyForm`` names its fields instead of repeating how a whole number is read.
struct PolicyFormReader {
    /// The submitted text, by field name.
    let fields: [String: String]
    /// Every error found so far; a form adds its own checks here as well.
    var errors = FieldErrors()

    init(_ fields: [String: String]) { self.fields = fields }

    /// A field the form must send: an empty or unreadable one is an error, read as 0.
    mutating func whole(_ name: String) -> Int {
        guard let value = Int(fields[name]?.trimmed ?? "") else {
            errors.add(name, "Enter a whole number.")
            return 0
        }
        return value
    }

    /// A field the form may leave out, which then keeps `kept`; an unreadable one is an error
    /// (`message`) and also keeps `kept`.
    mutating func whole(_ name: String, keeping kept: Int, message: String = "Enter a whole number.") -> Int {
        guard let text = fields[name] else { return kept }
        guard let value = Int(text.trimmed) else {
            errors.add(name, message)
            return kept
        }
        return value
    }

    /// A field that may be left empty, read as nil; an unreadable one is an error (`message`).
    mutating func optionalWhole(_ name: String, message: String) -> Int? {
        guard let text = fields[name]?.nilIfEmpty else { return nil }
        guard let value = Int(text) else {
            errors.add(name, message)
            return nil
        }
        return value
    }
}
