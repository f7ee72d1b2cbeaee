import ClinicDomain
import Foundation
import SQLKit

/// The clinic's billing reports on a period: the figures (``BillingReport/summary(_:from:to:)``),
/// A/R ageing on a day, and the prior authorisations still to act on, read in one snapshot.
public struct BillingReportRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// One report.
    public struct Report: Sendable {
        /// The period's figures.
        public let summary: BillingPeriodSummary
        /// What is owed on `asOf`, by age.
        public let ageing: [AgeingLine]
        /// The day the ageing is taken.
        public let asOf: CalendarDate
        /// Patients' names with MRN, for the ageing lines.
        public let names: [UUID: String]
        /// Authorisations not yet expired, with use and status.
        public let authorizations: [AuthorizationStanding]
    }

    /// The report for `from`…`to`, ageing on `asOf`, authorisations as of `today`.
    public func report(clinicID: UUID, from: CalendarDate, to: CalendarDate, asOf: CalendarDate, today: CalendarDate) async throws -> Report {
        let last = max(to, asOf)
        let (entries, names) = try await database.read { db in
            let entries = try await db.select().columns("*").from("ledger_entries").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("posted_on", .lessThanOrEqual, SQLBind(last.iso)).orderBy("posted_on").orderBy("recorded_at").orderBy("id").all()
                .map(BillingRepository.entry)
            let rows = try await db.raw("""
                SELECT DISTINCT p.id, p.given_name, p.family_name, p.mrn FROM patients p JOIN ledger_entries e ON e.patient_id = p.id
                WHERE e.clinic_id = \(bind: clinicID.uuidString)
                """).all()
            var names: [UUID: String] = [:]
            for row in rows {
                guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else { continue }
                names[id] = "\(try row.decode(column: "family_name", as: String.self)), \(try row.decode(column: "given_name", as: String.self)) "
                    + "(\(try row.decode(column: "mrn", as: String.self)))"
            }
            return (entries, names)
        }
        let authorizations = try await PriorAuthorizationRepository(database: database).standings(clinicID: clinicID, today: today)
        return Report(summary: BillingReport.summary(entries, from: from, to: to), ageing: BillingReport.ageing(entries, asOf: asOf), asOf: asOf,
                      names: names, authorizations: authorizations)
    }
}
