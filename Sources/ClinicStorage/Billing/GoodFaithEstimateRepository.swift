import ClinicDomain
import Foundation
import SQLKit

/// An estimate with the course's final self-pay charges set against it.
public struct EstimateStanding: Sendable, Equatable, Codable {
    /// The estimate as given.
    public let estimate: GoodFaithEstimateRecord
    /// Billed so far in the course, the difference, and whether it reaches the dispute threshold.
    public let comparison: GoodFaithEstimateRecord.Comparison
}

/// Good Faith Estimates kept with the patient's account [B9]: recorded (audited, append-only),
/// listed per patient with the final charges compared, and listed clinic-wide where the charges
/// reach the dispute threshold, so billing staff see them before the patient does.
public struct GoodFaithEstimateRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Stores a validated estimate (``GoodFaithEstimateRecord/make``) and audits it against the patient.
    public func record(_ estimate: GoodFaithEstimateRecord, clinicID: UUID, stamp: AuditStamp) async throws {
        let items = String(decoding: try JSONEncoder().encode(estimate.items), as: UTF8.self)
        try await database.write { db in
            guard try await db.select().column("id").from("patients").where("id", .equal, SQLBind(estimate.patientID.uuidString))
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).first() != nil else {
                throw BillingRefusal("No such patient in this clinic.")
            }
            try await db.insert(into: "good_faith_estimates")
                .columns("id", "clinic_id", "patient_id", "sessions", "first_service_on", "last_service_on", "scheduled_on", "requested", "items",
                         "total_cents", "due_on", "given_on", "recorded_at", "recorded_by")
                .values(SQLBind(estimate.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(estimate.patientID.uuidString), SQLBind(estimate.sessions),
                        SQLBind(estimate.firstServiceOn.iso), SQLBind(estimate.lastServiceOn.iso), SQLBind(estimate.scheduledOn.iso),
                        SQLBind(estimate.requested), SQLBind(items), SQLBind(estimate.total.value), SQLBind(estimate.dueOn?.iso),
                        SQLBind(estimate.givenOn.iso), SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.actorName))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "good_faith_estimate", entityID: estimate.id.uuidString, patientID: estimate.patientID,
                                                 summary: "Good Faith Estimate \(estimate.total) for \(estimate.sessions) session(s) "
                                                     + "\(estimate.firstServiceOn.iso) to \(estimate.lastServiceOn.iso), given \(estimate.givenOn.iso)"
                                                     + (estimate.dueOn.map { " (due \($0.iso))" } ?? "") + (estimate.givenLate ? ", given late" : "")),
                                      stamp: stamp, in: db)
        }
    }

    /// A patient's estimates, newest course first, each with the final charges compared.
    public func standings(of patientID: UUID, clinicID: UUID) async throws -> [EstimateStanding] {
        try await database.read { db in
            let entries = try await BillingRepository.entries(patientID: patientID, clinicID: clinicID, in: db)
            return try await db.select().columns("*").from("good_faith_estimates").where("patient_id", .equal, SQLBind(patientID.uuidString))
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).orderBy("first_service_on", .descending).orderBy("recorded_at", .descending)
                .all().map(Self.estimate).map { EstimateStanding(estimate: $0, comparison: $0.compare(with: entries)) }
        }
    }

    /// Every estimate whose course's charges reach the dispute threshold, with the patient's name.
    public func overThreshold(clinicID: UUID) async throws -> [(standing: EstimateStanding, patientName: String)] {
        try await database.read { db in
            let rows = try await db.raw("""
                SELECT g.*, p.given_name, p.family_name FROM good_faith_estimates g JOIN patients p ON p.id = g.patient_id
                WHERE g.clinic_id = \(bind: clinicID.uuidString) ORDER BY g.last_service_on DESC, g.id
                """).all()
            var out: [(standing: EstimateStanding, patientName: String)] = []
            for row in rows {
                let estimate = try Self.estimate(row)
                let comparison = estimate.compare(with: try await BillingRepository.entries(patientID: estimate.patientID, clinicID: clinicID, in: db))
                guard comparison.overThreshold else { continue }
                out.append((EstimateStanding(estimate: estimate, comparison: comparison),
                            "\(try row.decode(column: "family_name", as: String.self)), \(try row.decode(column: "given_name", as: String.self))"))
            }
            return out
        }
    }

    private static func estimate(_ row: any SQLRow) throws -> GoodFaithEstimateRecord {
        let epoch = CalendarDate(year: 1970, month: 1, day: 1)!
        func day(_ column: String) throws -> CalendarDate { CalendarDate(iso: try row.decode(column: column, as: String.self)) ?? epoch }
        let items = (try? JSONDecoder().decode([GoodFaithEstimate.Item].self, from: Data(try row.decode(column: "items", as: String.self).utf8))) ?? []
        return GoodFaithEstimateRecord(
            id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID.random(),
            patientID: UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) ?? UUID.random(),
            sessions: try row.decode(column: "sessions", as: Int.self), firstServiceOn: try day("first_service_on"),
            lastServiceOn: try day("last_service_on"), scheduledOn: try day("scheduled_on"), requested: try row.decode(column: "requested", as: Bool.self),
            items: items, dueOn: try row.decode(column: "due_on", as: String?.self).flatMap(CalendarDate.init(iso:)), givenOn: try day("given_on"))
    }
}
