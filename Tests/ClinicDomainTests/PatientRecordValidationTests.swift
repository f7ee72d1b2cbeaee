import ClinicDomain
import Foundation
import Testing

@Suite("Patient record validation")
struct PatientRecordValidationTests {
    typealias F = ScreeningFixtures

    @Test("A complete, plausible record is accepted")
    func accepted() throws {
        #expect(try F.clear.validated(today: F.today) == F.clear)
    }

    @Test("Impossible input is refused with the field's path", arguments: [
        ("birth date in the future", "registration.dateOfBirth", "The date of birth is in the future."),
        ("weight 0 kg", "weights[0].kilograms", "Enter the weight in kilograms, for example 72.5."),
        ("weight 700 kg", "weights[1].kilograms", "A weight of 700 kg is outside 25–350 kg; check the value and the unit."),
        ("height in metres", "height.centimetres", "That looks like metres; enter centimetres (172 cm)."),
        ("trial ends before it starts", "trials[1].endedOn", "The trial ends before it starts; check the dates."),
        ("vital signs in the wrong order", "vitalSigns[0].diastolic", "Diastolic pressure must be lower than systolic; check the order."),
        ("benzodiazepine without a dose", "medications[1].lorazepamEquivalentMgPerDay", "Enter the daily lorazepam-equivalent dose in mg for a benzodiazepine."),
        ("pregnancy for a patient male at birth", "medicalHistory.pregnancy", "Pregnancy or breastfeeding is recorded for a patient male at birth; check the entry."),
        ("weighed before birth", "weights[0].measuredOn", "The date 1970-01-01 is before the date of birth (1980-05-17)."),
        ("unknown diagnosis family", "diagnoses[0].icd10", "Use an ICD-10 code KetaClinic treats: F32.x, F33.x, F31.x, F41.1 or F43.1."),
    ])
    func refused(change: String, path: String, message: String) {
        var record = F.clear
        switch change {
        case "birth date in the future": record.registration.dateOfBirth = F.date("2027-01-01")
        case "weight 0 kg": record.weights[0].kilograms = 0
        case "weight 700 kg": record.weights.append(WeightMeasurement(kilograms: 700, measuredOn: F.date("2026-01-01")))
        case "height in metres": record.height?.centimetres = 1.72
        case "trial ends before it starts": record.trials[1].endedOn = F.date("2025-05-01")
        case "vital signs in the wrong order": record.vitalSigns[0].diastolic = 130
        case "benzodiazepine without a dose": record.medications.append(Medication(name: "lorazepam", classes: [.benzodiazepine]))
        case "pregnancy for a patient male at birth":
            record.registration.sexAtBirth = .male
            record.medicalHistory?.pregnancy = .pregnant
        case "weighed before birth": record.weights[0].measuredOn = F.date("1970-01-01")
        default: record.diagnoses = [Diagnosis(icd10: "J45.0")]
        }
        do {
            _ = try record.validated(today: F.today)
            Issue.record("\(change) was accepted")
        } catch {
            #expect(error[path] == message, "\(error.entries)")
            #expect(error.entries.count == 1, "\(error.entries)")
        }
    }

    @Test("Every section's errors are reported at once, each with its path")
    func allAtOnce() {
        var record = F.clear
        record.registration.givenName = " "
        record.weights[0].kilograms = 0
        record.trials[0].endedOn = F.date("2025-01-01")
        record.allergies = [Allergy(substance: "")]
        record.emergencyContact = EmergencyContact(name: "Ben", phone: "none", isEscort: true)
        do {
            _ = try record.validated(today: F.today)
            Issue.record("accepted")
        } catch {
            #expect(error.entries.map(\.field) == ["registration.givenName", "emergencyContact.phone", "weights[0].kilograms",
                                                   "allergies[0].substance", "trials[0].endedOn"])
        }
    }

    @Test("Validation cleans the record: trimmed text, diagnosis codes normalised")
    func cleaned() throws {
        var record = F.clear
        record.registration.familyName = "  Testwood "
        record.diagnoses = [Diagnosis(icd10: "f332")]
        let valid = try record.validated(today: F.today)
        #expect(valid.registration.familyName == "Testwood")
        #expect(valid.diagnoses[0].icd10 == "F33.2")
    }

    @Test("The list sections may be left out of JSON and then start empty")
    func decodingDefaults() throws {
        let json = #"{"registration":{"givenName":"Ada","familyName":"Testwood","dateOfBirth":"1980-05-17","sexAtBirth":"female"}}"#
        let record = try JSONDecoder().decode(PatientRecord.self, from: Data(json.utf8))
        #expect(record.weights.isEmpty && record.trials.isEmpty && record.medicalHistory == nil)
        let roundTrip = try JSONDecoder().decode(PatientRecord.self, from: JSONEncoder().encode(F.clear))
        #expect(roundTrip == F.clear)
    }
}
