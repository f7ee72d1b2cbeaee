import Foundation

/// What the front desk enters to open a chart: who the patient is, before any clinical history.
///
/// Intake (history, medications, screening) builds on a registered patient; registration only
/// needs enough to identify the person safely.
public struct PatientRegistration: Equatable, Sendable, Codable {
    /// Given (first) name.
    public var givenName: String
    /// Family (last) name.
    public var familyName: String
    /// Date of birth; age-dependent rules (esketamine start dose at 65 or over [R22]) use it.
    public var dateOfBirth: CalendarDate
    /// Sex at birth.
    public var sexAtBirth: SexAtBirth
    /// Gender identity in the patient's words, when they choose to give it.
    public var genderIdentity: String?

    /// Creates a registration without checking it; call ``validated(today:)`` on user input.
    public init(givenName: String, familyName: String, dateOfBirth: CalendarDate,
                sexAtBirth: SexAtBirth, genderIdentity: String? = nil) {
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.sexAtBirth = sexAtBirth
        self.genderIdentity = genderIdentity
    }

    /// The oldest age accepted; an older birth date is almost surely a typing error.
    public static let maximumAgeYears = 120

    /// The registration cleaned up (trimmed, empty identity dropped), or the field errors that
    /// stop it being saved. `today` is the clinic's date: the domain never reads the clock.
    public func validated(today: CalendarDate) throws(FieldErrors) -> PatientRegistration {
        var errors = FieldErrors()
        let given = givenName.trimmed
        let family = familyName.trimmed
        Self.checkName(given, field: "givenName", label: "given name", into: &errors)
        Self.checkName(family, field: "familyName", label: "family name", into: &errors)
        if dateOfBirth > today {
            errors.add("dateOfBirth", "The date of birth is in the future.")
        } else if dateOfBirth.age(on: today) > Self.maximumAgeYears {
            errors.add("dateOfBirth", "That makes the patient older than \(Self.maximumAgeYears); check the year.")
        }
        let identity = genderIdentity?.trimmed
        if let identity, identity.count > 80 { errors.add("genderIdentity", "Use at most 80 characters.") }
        try errors.throwIfAny()
        return PatientRegistration(
            givenName: given, familyName: family, dateOfBirth: dateOfBirth, sexAtBirth: sexAtBirth,
            genderIdentity: identity?.isEmpty == false ? identity : nil)
    }

    private static func checkName(_ name: String, field: String, label: String, into errors: inout FieldErrors) {
        if name.isEmpty {
            errors.add(field, "Enter the patient's \(label).")
        } else if name.count > 100 {
            errors.add(field, "Use at most 100 characters.")
        } else if name.contains(where: { $0.isNewline || ($0.isASCII && $0.asciiValue! < 32) }) {
            errors.add(field, "Remove line breaks and control characters.")
        }
    }
}
