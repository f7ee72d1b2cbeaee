import ClinicDomain
import Testing

@Suite("Patient registration")
struct PatientRegistrationTests {
    static let today = CalendarDate(year: 2026, month: 11, day: 22)!
    static let valid: [String: String] = [
        "givenName": " Ada ", "familyName": "Testwood", "dateOfBirth": "1980-05-17", "sexAtBirth": "female",
    ]

    @Test("A complete registration is accepted and trimmed")
    func accepted() throws {
        let registration = try PatientRegistration.parse(Self.valid, today: Self.today)
        #expect(registration.givenName == "Ada")
        #expect(registration.dateOfBirth.iso == "1980-05-17")
        #expect(registration.genderIdentity == nil)
    }

    @Test("Impossible input names the field and says why", arguments: [
        ("dateOfBirth", "2027-01-01", "The date of birth is in the future."),
        ("dateOfBirth", "1890-01-01", "That makes the patient older than 120; check the year."),
        ("dateOfBirth", "1980-02-30", "Enter a real date as YYYY-MM-DD, for example 1984-03-27."),
        ("dateOfBirth", "17/05/1980", "Enter a real date as YYYY-MM-DD, for example 1984-03-27."),
        ("dateOfBirth", "", "Enter the date of birth."),
        ("givenName", "   ", "Enter the patient's given name."),
        ("familyName", "", "Enter the patient's family name."),
        ("familyName", "Line\nBreak", "Remove line breaks and control characters."),
        ("sexAtBirth", "", "Choose the sex at birth."),
        ("sexAtBirth", "other", "Choose female, male or unknown."),
    ])
    func refused(field: String, value: String, message: String) {
        var fields = Self.valid
        fields[field] = value
        #expect(throws: FieldErrors.self) { try PatientRegistration.parse(fields, today: Self.today) }
        do {
            _ = try PatientRegistration.parse(fields, today: Self.today)
        } catch {
            #expect(error[field] == message)
            #expect(error.entries.count == 1)
        }
    }

    @Test("Every missing field is reported at once, in form order")
    func allMissing() {
        do {
            _ = try PatientRegistration.parse([:], today: Self.today)
            Issue.record("an empty registration was accepted")
        } catch {
            #expect(error.entries.map(\.field) == ["givenName", "familyName", "dateOfBirth", "sexAtBirth"])
        }
    }
}
