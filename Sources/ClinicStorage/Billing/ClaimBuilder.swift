import ClinicDomain
import Foundation
import SQLKit

/// Why an insurer-billed session has no claim.
public struct ClaimSkip: Sendable, Equatable {
    /// The session.
    public let sessionID: UUID
    /// Why.
    public let reason: String
}

/// Builds professional claims from the ledger: every session in a period whose charges in force
/// are billed to an insurer becomes one claim, with the payer, member id and authorisation number
/// of the patient's prior authorisation that covers the session's codes on its day.
public struct ClaimBuilder: Sendable {
    private let database: ClinicDatabase

    /// A builder over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// The claims for insurer-billed sessions from `from` to `to`, and the sessions left out with why.
    public func claims(clinicID: UUID, from: CalendarDate, to: CalendarDate, payerID: String, filingIndicator: String = "CI",
                       today: CalendarDate) async throws -> (claims: [ProfessionalClaim], skipped: [ClaimSkip]) {
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT e.* FROM ledger_entries e WHERE e.clinic_id = \(bind: clinicID.uuidString)
                AND e.kind = 'charge' AND e.self_pay = \(bind: false) AND e.session_id IS NOT NULL
                AND e.posted_on >= \(bind: from.iso) AND e.posted_on <= \(bind: to.iso)
                AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
                ORDER BY e.posted_on, e.session_id, e.recorded_at, e.id
                """).all().map(BillingRepository.entry)
        }
        let billing = BillingRepository(database: database)
        let fees = try await billing.feeSchedule(of: clinicID)
        let patients = SQLPatientRepository(database: database)
        var authorizations: [UUID: [PriorAuthorization]] = [:]
        var claims: [ProfessionalClaim] = []
        var skipped: [ClaimSkip] = []
        var order: [UUID] = []
        var bySession: [UUID: [LedgerEntry]] = [:]
        for entry in rows {
            guard let session = entry.sessionID else { continue }
            if bySession[session] == nil { order.append(session) }
            bySession[session, default: []].append(entry)
        }
        for session in order {
            let lines = bySession[session] ?? []
            guard let first = lines.first, let patient = try await patients.find(first.patientID, in: clinicID) else { continue }
            if authorizations[patient.id] == nil {
                authorizations[patient.id] = try await Self.allAuthorizations(of: patient.id, clinicID: clinicID, database: database)
            }
            let codes = lines.compactMap(\.code)
            guard let authorization = (authorizations[patient.id] ?? []).last(where: { auth in
                codes.contains { auth.covers($0, on: first.postedOn) }
            }) else {
                skipped.append(ClaimSkip(sessionID: session, reason: "\(patient.listName), \(first.postedOn.iso): no prior authorisation "
                                         + "covers \(codes.joined(separator: " ")) on that day, so no payer or member id is on file."))
                continue
            }
            var diagnoses: [String] = []
            for code in lines.flatMap(\.diagnoses) where !diagnoses.contains(code) { diagnoses.append(code) }
            let sex = switch patient.registration.sexAtBirth { case .female: "F"; case .male: "M"; case .unknown: "U" }
            claims.append(ProfessionalClaim(
                claimID: "KC" + String(session.uuidString.replacingOccurrences(of: "-", with: "").prefix(18)),
                payerName: authorization.payer, payerID: payerID, filingIndicator: filingIndicator, memberID: authorization.memberID,
                givenName: patient.registration.givenName, familyName: patient.registration.familyName,
                dateOfBirth: patient.registration.dateOfBirth, sex: sex, authorizationNumber: authorization.number,
                diagnoses: Array(diagnoses.prefix(12)),
                lines: lines.map { entry in
                    ProfessionalClaim.Line(code: entry.code ?? "", modifiers: FeeScheduleItem.find(entry.code ?? "", on: entry.postedOn, in: fees)?.modifiers ?? [],
                                           charge: entry.amount, units: entry.units ?? 1,
                                           pointers: entry.diagnoses.compactMap { code in diagnoses.firstIndex(of: code).map { $0 + 1 } },
                                           date: entry.postedOn)
                }))
        }
        return (claims, skipped)
    }

    /// Every authorisation of a patient that was not superseded, whatever its dates.
    static func allAuthorizations(of patientID: UUID, clinicID: UUID, database: ClinicDatabase) async throws -> [PriorAuthorization] {
        let standings = try await PriorAuthorizationRepository(database: database)
            .standings(clinicID: clinicID, today: CalendarDate(year: 1970, month: 1, day: 1)!, patientID: patientID)
        return standings.map(\.authorization)
    }
}
