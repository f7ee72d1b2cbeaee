import ClinicDomain

/// A patient for whom no screening rule fires in the US on ``today``: complete vital signs within
/// every limit, both histories entered and clear, one non-interacting medication, and two failed
/// adequate antidepressant trials in the current episode.
enum ScreeningFixtures {
    static let today = CalendarDate(year: 2026, month: 3, day: 1)!
    static let us = Jurisdiction(code: "US")!

    static func date(_ iso: String) -> CalendarDate { CalendarDate(iso: iso)! }

    static let clear = PatientRecord(
        registration: PatientRegistration(givenName: "Ada", familyName: "Testwood", dateOfBirth: date("1980-05-17"), sexAtBirth: .female),
        height: HeightMeasurement(centimetres: 170, measuredOn: date("2026-02-20")),
        weights: [WeightMeasurement(kilograms: 70, measuredOn: date("2026-02-20"))],
        medications: [Medication(name: "sertraline", dose: "150 mg daily")],
        diagnoses: [Diagnosis(icd10: "F33.2")],
        psychiatricHistory: PsychiatricHistory.none,
        medicalHistory: MedicalHistory.none,
        vitalSigns: [VitalSigns(systolic: 120, diastolic: 78, heartRate: 70, oxygenSaturation: 98, respiratoryRate: 14,
                                measuredOn: date("2026-02-20"))],
        trials: [
            AntidepressantTrial(kind: .medication, treatment: "escitalopram", drugClass: .ssri, adequateDose: true,
                                startedOn: date("2025-03-01"), endedOn: date("2025-05-15"), outcome: .noResponse),
            AntidepressantTrial(kind: .medication, treatment: "venlafaxine", drugClass: .snri, adequateDose: true,
                                startedOn: date("2025-06-01"), endedOn: date("2025-09-01"), outcome: .noResponse),
        ],
        currentEpisode: DepressiveEpisode(startedOn: date("2025-01-10"), severity: .severe))

    /// `clear` changed by `change`.
    static func record(_ change: (inout PatientRecord) -> Void) -> PatientRecord {
        var record = clear
        change(&record)
        return record
    }

    static func screen(_ record: PatientRecord, in jurisdiction: Jurisdiction = us,
                       policy: ScreeningPolicy = .defaults) -> ScreeningResult {
        ScreeningEngine.evaluate(record, policy: policy, jurisdiction: jurisdiction, today: today)
    }
}
