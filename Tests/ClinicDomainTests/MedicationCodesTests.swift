import ClinicDomain
import Testing

/// The clinic's RxCUIs: the reference has none (NOT FOUND, clinical reference §8.3), so the rule is
/// only RxNorm's own form of a concept id, digits.
@Suite("Medication codes")
struct MedicationCodesTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let given: String?
        let kept: String?
        let refused: Bool
        var testDescription: String { "\(given.map { "'\($0)'" } ?? "nil")" }
    }

    static let vectors: [Vector] = [
        Vector(given: nil, kept: nil, refused: false),
        Vector(given: "", kept: nil, refused: false),              // empty clears
        Vector(given: "   ", kept: nil, refused: false),
        Vector(given: "238082", kept: "238082", refused: false),  // an RxCUI as openFDA lists them [R32-openFDA]
        Vector(given: " 1234567 ", kept: "1234567", refused: false),
        Vector(given: "12345678", kept: "12345678", refused: false),
        Vector(given: "123456789", kept: nil, refused: true),     // longer than RxNorm's ids
        Vector(given: "N06AX27", kept: nil, refused: true),       // an ATC code is not an RxCUI
        Vector(given: "12 34", kept: nil, refused: true),
        Vector(given: "١٢٣", kept: nil, refused: true),           // digits, but not ASCII
    ]

    @Test("An RxCUI is kept trimmed, an empty one clears, anything but 1–8 ASCII digits is a field error", arguments: vectors)
    func validation(_ vector: Vector) {
        for esketamine in [false, true] {
            let codes = esketamine ? MedicationCodes(esketamineRxCUI: vector.given) : MedicationCodes(ketamineRxCUI: vector.given)
            do {
                let valid = try codes.validated()
                #expect(!vector.refused)
                #expect(valid.rxCUI(esketamine: esketamine) == vector.kept)
                #expect(valid.rxCUI(esketamine: !esketamine) == nil)
            } catch {
                #expect(vector.refused)
                #expect(error.entries.first?.field == (esketamine ? "esketamineRxCUI" : "ketamineRxCUI"))
            }
        }
    }

    @Test("None by default")
    func defaults() {
        #expect(MedicationCodes.defaults.rxCUI(esketamine: false) == nil && MedicationCodes.defaults.rxCUI(esketamine: true) == nil)
    }
}
