import ClinicDomain
import Foundation
import SQLKit

/// An authorisation with the sessions already billed under it and its status on a day.
public struct AuthorizationStanding: Sendable, Equatable {
    /// The authorisation.
    public let authorization: PriorAuthorization
    /// The patient's name, family first.
    public let patientName: String
    /// Sessions billed under it (charges in force for one of its codes within its days).
    public let used: Int
    /// Its status.
    public let status: PriorAuthorization.Status
}

/// Prior authorisations: recorded (validated against the code table), listed per patient and
/// clinic-wide with the sessions used, so the front desk sees those ending within 14 days or
/// used up. Append-only and audited.
public struct PriorAuthorizationRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Records an authorisation after validation; nothing is stored on a field error.
    @discardableResult
    public func record(_ authorization: PriorAuthorization, clinicID: UUID, stamp: AuditStamp) async throws -> PriorAuthorization {
        let clean = try authorization.validated(codes: try await BillingRepository(database: database).codeTable(of: clinicID))
        try await database.write { db in
            guard try await db.select().column("id").from("patients").where("id", .equal, SQLBind(clean.patientID.uuidString))
                .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).first() != nil else {
                throw BillingRefusal("No such patient in this clinic.")
            }
            try await db.insert(into: "prior_authorizations")
                .columns("id", "clinic_id", "patient_id", "payer", "member_id", "number", "approved_units", "valid_from", "valid_to", "codes",
                         "drug", "recorded_at", "recorded_by")
                .values(SQLBind(clean.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(clean.patientID.uuidString), SQLBind(clean.payer),
                        SQLBind(clean.memberID), SQLBind(clean.number), SQLBind(clean.approvedUnits), SQLBind(clean.validFrom.iso),
                        SQLBind(clean.validTo.iso), SQLBind(clean.codes.joined(separator: ",")), SQLBind(clean.drug),
                        SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.actorName))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "prior_authorization", entityID: clean.id.uuidString, patientID: clean.patientID,
                                                 summary: "\(clean.payer) #\(clean.number), \(clean.approvedUnits) session(s) "
                                                     + "\(clean.validFrom.iso) to \(clean.validTo.iso), \(clean.codes.joined(separator: " "))"),
                                      stamp: stamp, in: db)
        }
        return clean
    }

    /// The clinic's authorisations in force or ending soon on `today` (not expired, not
    /// superseded), with their use; `patientID` narrows to one patient.
    public func standings(clinicID: UUID, today: CalendarDate, patientID: UUID? = nil) async throws -> [AuthorizationStanding] {
        try await database.read { db in
            let rows = try await db.raw("""
                SELECT a.*, p.given_name, p.family_name FROM prior_authorizations a JOIN patients p ON p.id = a.patient_id
                WHERE a.clinic_id = \(bind: clinicID.uuidString) AND a.valid_to >= \(bind: today.iso)
                AND NOT EXISTS (SELECT 1 FROM prior_authorizations s WHERE s.supersedes_id = a.id)
                ORDER BY a.valid_to, a.id
                """).all()
            var out: [AuthorizationStanding] = []
            for row in rows {
                guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)),
                      let patient = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
                      patientID == nil || patient == patientID,
                      let from = CalendarDate(iso: try row.decode(column: "valid_from", as: String.self)),
                      let to = CalendarDate(iso: try row.decode(column: "valid_to", as: String.self)) else { continue }
                let authorization = PriorAuthorization(
                    id: id, patientID: patient, payer: try row.decode(column: "payer", as: String.self),
                    memberID: try row.decode(column: "member_id", as: String.self), number: try row.decode(column: "number", as: String.self),
                    approvedUnits: try row.decode(column: "approved_units", as: Int.self), validFrom: from, validTo: to,
                    codes: try row.decode(column: "codes", as: String.self).split(separator: ",").map(String.init),
                    drug: try row.decode(column: "drug", as: String.self))
                let used = try await Self.used(authorization, in: db)
                out.append(AuthorizationStanding(
                    authorization: authorization,
                    patientName: "\(try row.decode(column: "family_name", as: String.self)), \(try row.decode(column: "given_name", as: String.self))",
                    used: used, status: authorization.status(today: today, used: used)))
            }
            return out
        }
    }

    /// What scheduling warns when booking `sessionDays` of a patient's `treatment` course: an
    /// esketamine authorisation missing, used up or expiring (``AuthorizationBookingCheck``).
    /// Scheduling calls this and shows the warnings beside its own.
    public func bookingWarnings(patientID: UUID, clinicID: UUID, treatment: Treatment, sessionDays: [CalendarDate],
                                today: CalendarDate) async throws -> [BookingWarning] {
        guard treatment == .esketamine, !sessionDays.isEmpty else { return [] }
        let standings = try await standings(clinicID: clinicID, today: today, patientID: patientID)
        let payer = try await database.read { db -> AuthorizationBookingCheck.Payer in
            let row = try await db.raw("""
                SELECT CAST(SUM(CASE WHEN self_pay = \(bind: false) THEN 1 ELSE 0 END) AS BIGINT) AS insurer, CAST(COUNT(*) AS BIGINT) AS charges
                FROM ledger_entries WHERE patient_id = \(bind: patientID.uuidString) AND clinic_id = \(bind: clinicID.uuidString) AND kind = 'charge'
                """).first()
            let insurer = try row?.decode(column: "insurer", as: Int64?.self) ?? 0, charges = try row?.decode(column: "charges", as: Int64?.self) ?? 0
            return insurer > 0 ? .insurer : (charges > 0 ? .selfPay : .unknown)
        }
        return AuthorizationBookingCheck.warnings(treatment: treatment, sessionDays: sessionDays,
                                                  authorizations: standings.map { ($0.authorization, $0.used) }, payer: payer, today: today)
    }

    /// Sessions with a charge in force for one of the authorisation's codes within its days.
    static func used(_ authorization: PriorAuthorization, in db: any SQLDatabase) async throws -> Int {
        let entries = try await db.raw("""
            SELECT e.session_id, e.code FROM ledger_entries e
            WHERE e.patient_id = \(bind: authorization.patientID.uuidString) AND e.kind = 'charge'
            AND e.posted_on >= \(bind: authorization.validFrom.iso) AND e.posted_on <= \(bind: authorization.validTo.iso)
            AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
            """).all()
        var sessions = Set<String>()
        for row in entries {
            guard let code = try row.decode(column: "code", as: String?.self), authorization.codes.contains(code),
                  let session = try row.decode(column: "session_id", as: String?.self) else { continue }
            sessions.insert(session)
        }
        return sessions.count
    }
}
