import ClinicDomain

extension Migrations {
    /// The RxCUIs the clinic writes on the medications it exports (``MedicationCodes``, JSON; NULL
    /// until the clinic enters them: the reference gives no code to default to).
    static let addClinicMedicationCodes = Migration(version: 96, name: "add clinic medication codes", statements: [
        "ALTER TABLE clinics ADD COLUMN medication_codes TEXT",
    ])
}
