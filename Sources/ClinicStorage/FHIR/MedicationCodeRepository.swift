import ClinicDomain

/// The clinic's ``MedicationCodes`` (the RxCUIs its exported medications carry), stored as JSON on
/// the clinic row; unset means none. Changes are audited.
public typealias MedicationCodeRepository = ClinicPolicyStore<MedicationCodes>

extension ClinicPolicyStore where Policy == MedicationCodes {
    /// The medication codes of the clinics in `database` (column `medication_codes`).
    public init(database: ClinicDatabase) { self.init(database: database, column: "medication_codes", defaults: .defaults) }
}
