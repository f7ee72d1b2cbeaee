import Foundation
import SQLKit

/// What waits for a prescriber's signature, for the prescriber's home page: patients whose
/// clinical record has no screening signed on its current revision (never screened, or the record
/// was amended after the last signature), and patients whose newest screening, signed on the
/// current record, is newer than their newest treatment plan. Read-only; each list is capped.
public struct SignatureWorklistRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Patients of `clinicID` with a clinical record (revision above 0) and no screening signed on
    /// that revision, the most recently changed first; with whether any screening exists at all.
    public func screeningsToSign(clinicID: UUID, limit: Int) async throws -> [(patientID: UUID, everScreened: Bool)] {
        try await database.read { db in
            try await db.raw("""
                SELECT p.id AS patient_id,
                       (SELECT COUNT(*) FROM screenings a WHERE a.patient_id = p.id) AS screenings
                FROM patients p
                WHERE p.clinic_id = \(bind: clinicID.uuidString) AND p.record_revision > 0
                  AND NOT EXISTS (SELECT 1 FROM screenings s WHERE s.patient_id = p.id AND s.record_revision = p.record_revision)
                ORDER BY p.family_name, p.given_name, p.id
                LIMIT \(bind: max(0, limit))
                """).all().compactMap { row in
                guard let id = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) else { return nil }
                return (id, try row.decode(column: "screenings", as: Int.self) > 0)
            }
        }
    }

    /// Patients of `clinicID` whose newest screening was signed on the current record and after
    /// their newest treatment plan (or who have no plan): a plan may be due. The caller keeps those
    /// the screening found eligible.
    public func plansToSign(clinicID: UUID, limit: Int) async throws -> [UUID] {
        try await database.read { db in
            try await db.raw("""
                SELECT p.id AS patient_id
                FROM patients p JOIN screenings s ON s.patient_id = p.id AND s.record_revision = p.record_revision
                WHERE p.clinic_id = \(bind: clinicID.uuidString)
                  AND s.version = (SELECT MAX(m.version) FROM screenings m WHERE m.patient_id = p.id)
                  AND NOT EXISTS (SELECT 1 FROM treatment_plans t WHERE t.patient_id = p.id AND t.signed_at >= s.signed_at)
                ORDER BY s.signed_at DESC, p.id
                LIMIT \(bind: max(0, limit))
                """).all().compactMap { UUID(uuidString: try $0.decode(column: "patient_id", as: String.self)) }
        }
    }
}
