import ClinicDomain
import Foundation

/// The clinic's ``MedicationCodes`` (the RxCUIs its exported medications carry), stored as JSON on
/// the clinic row; unset means none. Changes are audited.
public struct MedicationCodeRepository: Sendable {
    private let column: ClinicJSONColumn<MedicationCodes>

    /// A repository over `database`.
    public init(database: ClinicDatabase) {
        column = ClinicJSONColumn(database: database, column: "medication_codes", entityType: "medication_codes", defaults: .defaults)
    }

    /// The clinic's codes.
    public func codes(of clinicID: UUID) async throws -> MedicationCodes { try await column.value(of: clinicID) }

    /// Stores validated codes.
    public func update(_ codes: MedicationCodes, of clinicID: UUID, stamp: AuditStamp) async throws {
        try await column.update(codes, of: clinicID, stamp: stamp)
    }
}
