import ClinicDomain
import Testing

@Suite("Medical record numbers")
struct MedicalRecordNumberTests {
    @Test("Numbers carry a Luhn check digit", arguments: [
        (1, "KC-000001-8"),
        (152, "KC-000152-9"),
        (999_999, "KC-999999-6"),
        (1_234_567, "KC-1234567-4"),
    ])
    func format(sequence: Int, expected: String) {
        #expect(MedicalRecordNumber(prefix: "KC", sequence: sequence).text == expected)
    }

    @Test("A typed number is accepted only with the right check digit", arguments: [
        ("kc-000001-8", true),
        (" KC-000001-8 ", true),
        ("KC-000001-7", false),
        ("KC-000010-8", false), // transposed digits
        ("KC000001-8", false),
        ("KC-0001-8", false),
    ])
    func parsing(text: String, valid: Bool) {
        #expect((MedicalRecordNumber(parsing: text) != nil) == valid)
    }
}
