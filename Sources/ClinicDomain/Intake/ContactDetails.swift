/// How the clinic reaches the patient. Every field is optional: some patients give only a phone.
public struct ContactDetails: Equatable, Sendable, Codable {
    /// Telephone number as the patient gives it.
    public var phone: String?
    /// Email address for reminders and questionnaires.
    public var email: String?
    /// Street address, one line.
    public var address: String?

    /// Creates contact details; call ``validated()`` on user input.
    public init(phone: String? = nil, email: String? = nil, address: String? = nil) {
        self.phone = phone
        self.email = email
        self.address = address
    }

    /// Trimmed, empty fields dropped, or the field errors.
    public func validated() throws(FieldErrors) -> ContactDetails {
        var errors = FieldErrors()
        let phone = IntakeText.optional(phone, field: "phone", limit: 40, into: &errors)
        let email = IntakeText.optional(email, field: "email", limit: 254, into: &errors)
        if let email, EmailAddress(email) == nil { errors.add("email", "Enter an email address such as name@example.org.") }
        let address = IntakeText.optional(address, field: "address", limit: 300, into: &errors)
        if let phone, !phone.contains(where: \.isNumber) { errors.add("phone", "Enter a telephone number with digits.") }
        try errors.throwIfAny()
        return ContactDetails(phone: phone, email: email, address: address)
    }
}

/// The person who takes the patient home after a session, or who is called in an emergency.
/// Patients may not drive after ketamine or esketamine until the next day [R14].
public struct EmergencyContact: Equatable, Sendable, Codable {
    /// Full name.
    public var name: String
    /// Relationship to the patient, e.g. "partner".
    public var relationship: String?
    /// Telephone number.
    public var phone: String
    /// True when this person usually escorts the patient home after sessions.
    public var isEscort: Bool

    /// Creates a contact; call ``validated()`` on user input.
    public init(name: String, relationship: String? = nil, phone: String, isEscort: Bool) {
        self.name = name
        self.relationship = relationship
        self.phone = phone
        self.isEscort = isEscort
    }

    /// Trimmed, or the field errors.
    public func validated() throws(FieldErrors) -> EmergencyContact {
        var errors = FieldErrors()
        let name = IntakeText.required(name, field: "name", label: "the contact's name", limit: 120, into: &errors)
        let relationship = IntakeText.optional(relationship, field: "relationship", limit: 60, into: &errors)
        let phone = IntakeText.required(phone, field: "phone", label: "the contact's telephone number", limit: 40, into: &errors)
        if !phone.isEmpty, !phone.contains(where: \.isNumber) { errors.add("phone", "Enter a telephone number with digits.") }
        try errors.throwIfAny()
        return EmergencyContact(name: name, relationship: relationship, phone: phone, isEscort: isEscort)
    }
}

/// Shared checks for the free-text fields of intake forms.
enum IntakeText {
    /// A required line of text: trimmed, not empty, within `limit`, without control characters.
    static func required(_ text: String, field: String, label: String, limit: Int, into errors: inout FieldErrors) -> String {
        let value = text.trimmed
        if value.isEmpty { errors.add(field, "Enter \(label).") } else { check(value, field: field, limit: limit, into: &errors) }
        return value
    }

    /// An optional line of text: nil when blank.
    static func optional(_ text: String?, field: String, limit: Int, into errors: inout FieldErrors) -> String? {
        guard let value = text?.trimmed, !value.isEmpty else { return nil }
        check(value, field: field, limit: limit, into: &errors)
        return value
    }

    private static func check(_ value: String, field: String, limit: Int, into errors: inout FieldErrors) {
        if value.count > limit {
            errors.add(field, "Use at most \(limit) characters.")
        } else if value.unicodeScalars.contains(where: { $0.value < 32 && $0 != "\n" && $0 != "\t" }) {
            errors.add(field, "Remove control characters.")
        }
    }
}
