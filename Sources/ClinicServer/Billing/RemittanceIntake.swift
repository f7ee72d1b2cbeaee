import ClinicDomain
import ClinicInterop
import ClinicStorage
import Foundation

/// One path for an 835 file, whether pasted on the page, sent to the API or given to the command
/// line: read it (refusing a bad file with the reader's message), then import each payment in it;
/// a payment imported before is refused on its own while the others go in.
public enum RemittanceIntake {
    /// What importing a file did.
    public struct Outcome: Sendable {
        /// Payments imported.
        public var imported: [RemittanceImport]
        /// Payments refused (already imported), with why.
        public var refused: [String]
    }

    /// Reads and imports `text`; throws ``X12RemittanceError`` (nothing imported) for a bad file.
    public static func importFile(_ text: String, database: ClinicDatabase, clinicID: UUID, today: CalendarDate, stamp: AuditStamp) async throws -> Outcome {
        let advices = try X12Remittance835.parse(text)
        let repository = RemittanceRepository(database: database)
        var outcome = Outcome(imported: [], refused: [])
        for advice in advices {
            do {
                outcome.imported.append(try await repository.importAdvice(advice, clinicID: clinicID, today: today, stamp: stamp))
            } catch let refusal as BillingRefusal {
                outcome.refused.append(refusal.reason)
            }
        }
        return outcome
    }
}
