import ClinicDomain
import Foundation
import SQLKit

/// Imports 835 remittances: matches each claim to the insurer-billed session it was sent for
/// (the 837P claim id names the session), posts the payer's payment and the contractual (CO)
/// write-off to the patient's ledger, leaves the patient's share (PR) on their balance, and keeps
/// everything it cannot post safely for review with the reason. A file is imported in one
/// transaction; a payer's trace number once. Audited.
public struct RemittanceRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Imports `advice`; throws ``BillingRefusal`` when the same payer's trace number was
    /// imported before (nothing is stored then).
    public func importAdvice(_ advice: RemittanceAdvice, clinicID: UUID, today: CalendarDate, stamp: AuditStamp) async throws -> RemittanceImport {
        try await database.write { db in
            if let earlier = try await db.select().columns("imported_at").from("remittances").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("payer", .equal, SQLBind(advice.payerName)).where("trace_number", .equal, SQLBind(advice.traceNumber)).first() {
                let at = Date(millisecondsSince1970: try earlier.decode(column: "imported_at", as: Int64.self))
                throw BillingRefusal("\(advice.payerName) payment \(advice.traceNumber) was already imported on \(ISO8601DateFormatter().string(from: at)); "
                                     + "nothing was posted twice.")
            }
            let remittanceID = UUID.random()
            try await db.insert(into: "remittances")
                .columns("id", "clinic_id", "payer", "trace_number", "total_paid_cents", "paid_on", "imported_at", "imported_by")
                .values(SQLBind(remittanceID.uuidString), SQLBind(clinicID.uuidString), SQLBind(advice.payerName), SQLBind(advice.traceNumber),
                        SQLBind(advice.totalPaid.value), SQLBind(advice.paidOn.iso), SQLBind(stamp.at.millisecondsSince1970), SQLBind(stamp.actorName))
                .run()
            var items: [RemittanceItem] = []
            for claim in advice.claims {
                items.append(try await Self.post(claim, advice: advice, remittanceID: remittanceID, clinicID: clinicID, today: today, stamp: stamp, in: db))
            }
            for adjustment in advice.providerAdjustments {
                items.append(RemittanceItem(
                    id: UUID.random(), remittanceID: remittanceID, kind: "provider-adjustment", claimID: "\(adjustment.reason) \(adjustment.reference)",
                    payerClaimNumber: "", status: .review,
                    reason: "Provider-level adjustment \(adjustment.reason) (\(adjustment.amount)): not tied to a claim; post it by hand.",
                    patientID: nil, sessionID: nil, charge: .zero, paid: adjustment.amount, writeOff: .zero, patientShare: .zero, adjustments: ""))
            }
            for (position, item) in items.enumerated() {
                try await Self.insert(item, clinicID: clinicID, position: position, in: db)
            }
            let posted = items.filter { $0.status == .posted }.count
            try await AuditLog.append(AuditEvent(.create, entityType: "remittance", entityID: remittanceID.uuidString,
                                                 summary: "835 from \(advice.payerName), trace \(advice.traceNumber), \(advice.totalPaid) paid "
                                                     + "\(advice.paidOn.iso): \(posted) claim(s) posted, \(items.count - posted) for review"),
                                      stamp: stamp, in: db)
            return RemittanceImport(id: remittanceID, payer: advice.payerName, traceNumber: advice.traceNumber, totalPaid: advice.totalPaid,
                                    paidOn: advice.paidOn, importedAt: stamp.at, importedBy: stamp.actorName, items: items)
        }
    }

    /// The clinic's imported remittances, newest first, with their items.
    public func remittances(of clinicID: UUID, limit: Int = 50) async throws -> [RemittanceImport] {
        try await database.read { db in
            let rows = try await db.select().columns("*").from("remittances").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .orderBy("imported_at", .descending).orderBy("id").limit(max(1, min(limit, 500))).all()
            var out: [RemittanceImport] = []
            for row in rows {
                guard let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) else { continue }
                let items = try await db.select().columns("*").from("remittance_items").where("remittance_id", .equal, SQLBind(id.uuidString))
                    .orderBy("position").all().map { try Self.item($0, remittanceID: id) }
                out.append(RemittanceImport(
                    id: id, payer: try row.decode(column: "payer", as: String.self), traceNumber: try row.decode(column: "trace_number", as: String.self),
                    totalPaid: Cents(try row.decode(column: "total_paid_cents", as: Int64.self)),
                    paidOn: CalendarDate(iso: try row.decode(column: "paid_on", as: String.self)) ?? CalendarDate(year: 1970, month: 1, day: 1)!,
                    importedAt: Date(millisecondsSince1970: try row.decode(column: "imported_at", as: Int64.self)),
                    importedBy: try row.decode(column: "imported_by", as: String.self), items: items))
            }
            return out
        }
    }

    // MARK: Posting one claim

    private static func post(_ claim: RemittanceAdvice.ClaimPayment, advice: RemittanceAdvice, remittanceID: UUID, clinicID: UUID, today: CalendarDate,
                             stamp: AuditStamp, in db: any SQLDatabase) async throws -> RemittanceItem {
        let adjustments = claim.allAdjustments.map(\.label).joined(separator: "; ")
        var item = RemittanceItem(id: UUID.random(), remittanceID: remittanceID, kind: "claim", claimID: claim.claimID, payerClaimNumber: claim.payerClaimNumber,
                                  status: .review, reason: "", patientID: nil, sessionID: nil, charge: claim.charge, paid: claim.paid, writeOff: .zero,
                                  patientShare: claim.patientResponsibility, adjustments: adjustments)
        guard let (sessionID, patientID) = try await session(forClaim: claim.claimID, clinicID: clinicID, in: db) else {
            item.reason = "No insurer-billed session of this clinic has claim id \(claim.claimID)\(claim.patientName.map { " (\($0))" } ?? ""); "
                + "find the account and post it by hand."
            return item
        }
        item.sessionID = sessionID
        item.patientID = patientID
        let entries = try await BillingRepository.entries(sessionID: sessionID, in: db)
        let reversed = Set(entries.compactMap(\.reverses))
        let charged = Cents.sum(entries.filter { $0.kind == .charge && !reversed.contains($0.id) }.map(\.amount)) ?? .zero
        if let earlier = try await db.raw("""
            SELECT r.trace_number FROM remittance_items i JOIN remittances r ON r.id = i.remittance_id
            WHERE i.claim_id = \(bind: claim.claimID) AND i.status = 'posted' AND i.clinic_id = \(bind: clinicID.uuidString)
            """).first() {
            item.reason = "This claim was already posted from payment \(try earlier.decode(column: "trace_number", as: String.self)); check for a "
                + "duplicate payment."
            return item
        }
        guard charged == claim.charge else {
            item.reason = "The session's charges in force are \(charged) but the payer answers a claim of \(claim.charge) (recaptured since it "
                + "was sent?); post it by hand."
            return item
        }
        let plan: (payment: Cents, writeOff: Cents, reason: String, share: Cents)
        switch RemittancePosting.plan(claim) {
        case .review(let why):
            item.reason = why
            return item
        case .post(let payment, let writeOff, let reason, let share):
            plan = (payment, writeOff, reason, share)
        }
        var summary = LedgerSummary(try await BillingRepository.entries(patientID: patientID, clinicID: clinicID, in: db))
        var written: [LedgerEntry] = []
        do {
            if plan.payment.value > 0 {
                let posting = try LedgerPosting(kind: .payment, amount: plan.payment, method: .insurer, reference: "EFT/check \(advice.traceNumber)",
                                                note: "\(advice.payerName) remittance, claim \(claim.payerClaimNumber)", postedOn: advice.paidOn)
                    .validated(against: summary, today: today)
                written.append(LedgerEntry(patientID: patientID, kind: .payment, amount: posting.amount, postedOn: posting.postedOn, sessionID: sessionID,
                                           method: posting.method, reference: posting.reference, note: posting.note, recordedAt: stamp.at,
                                           recordedBy: stamp.actorName))
                summary = LedgerSummary([written[0]] + (try await BillingRepository.entries(patientID: patientID, clinicID: clinicID, in: db)))
            }
            if plan.writeOff.value > 0 {
                let posting = try LedgerPosting(kind: .writeOff, amount: plan.writeOff, note: "\(plan.reason), \(advice.payerName) claim \(claim.payerClaimNumber)",
                                                postedOn: advice.paidOn).validated(against: summary, today: today)
                written.append(LedgerEntry(patientID: patientID, kind: .writeOff, amount: posting.amount, postedOn: posting.postedOn, sessionID: sessionID,
                                           note: posting.note, recordedAt: stamp.at, recordedBy: stamp.actorName))
            }
        } catch let errors as FieldErrors {
            item.reason = "The ledger refuses it: " + errors.entries.map(\.message).joined(separator: " ")
            return item
        }
        for entry in written { try await BillingRepository.insert(entry, clinicID: clinicID, in: db) }
        item.status = .posted
        item.writeOff = plan.writeOff
        item.patientShare = plan.share
        item.reason = "Paid \(plan.payment), written off \(plan.writeOff)" + (plan.share.value > 0 ? ", \(plan.share) left to the patient" : "")
        try await AuditLog.append(AuditEvent(.create, entityType: "remittance_claim", entityID: item.id.uuidString, patientID: patientID,
                                             summary: "\(advice.payerName) \(advice.traceNumber) claim \(claim.claimID): \(item.reason)"),
                                  stamp: stamp, in: db)
        item.paymentEntryID = written.first { $0.kind == .payment }?.id
        item.writeOffEntryID = written.first { $0.kind == .writeOff }?.id
        return item
    }

    /// The insurer-billed session a claim id names ("KC" + the first 18 hex digits of the session id).
    static func session(forClaim claimID: String, clinicID: UUID, in db: any SQLDatabase) async throws -> (UUID, UUID)? {
        let upper = claimID.uppercased()
        guard upper.count == 20, upper.hasPrefix("KC"), upper.dropFirst(2).allSatisfy({ $0.isHexDigit }) else { return nil }
        let row = try await db.raw("""
            SELECT DISTINCT e.session_id, e.patient_id FROM ledger_entries e
            WHERE e.clinic_id = \(bind: clinicID.uuidString) AND e.kind = 'charge' AND e.self_pay = \(bind: false) AND e.session_id IS NOT NULL
            AND SUBSTR(REPLACE(UPPER(e.session_id), '-', ''), 1, 18) = \(bind: String(upper.dropFirst(2)))
            """).first()
        guard let row, let session = UUID(uuidString: try row.decode(column: "session_id", as: String.self)),
              let patient = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)) else { return nil }
        return (session, patient)
    }

    private static func insert(_ item: RemittanceItem, clinicID: UUID, position: Int, in db: any SQLDatabase) async throws {
        try await db.insert(into: "remittance_items")
            .columns("id", "remittance_id", "clinic_id", "kind", "claim_id", "payer_claim_number", "status", "reason", "patient_id", "session_id",
                     "charge_cents", "paid_cents", "write_off_cents", "patient_share_cents", "adjustments", "payment_entry_id", "write_off_entry_id",
                     "position")
            .values(SQLBind(item.id.uuidString), SQLBind(item.remittanceID.uuidString), SQLBind(clinicID.uuidString), SQLBind(item.kind),
                    SQLBind(item.claimID), SQLBind(item.payerClaimNumber), SQLBind(item.status.rawValue), SQLBind(item.reason),
                    SQLBind(item.patientID?.uuidString), SQLBind(item.sessionID?.uuidString), SQLBind(item.charge.value), SQLBind(item.paid.value),
                    SQLBind(item.writeOff.value), SQLBind(item.patientShare.value), SQLBind(item.adjustments), SQLBind(item.paymentEntryID?.uuidString),
                    SQLBind(item.writeOffEntryID?.uuidString), SQLBind(position))
            .run()
    }

    private static func item(_ row: any SQLRow, remittanceID: UUID) throws -> RemittanceItem {
        var item = RemittanceItem(
            id: UUID(uuidString: try row.decode(column: "id", as: String.self)) ?? UUID.random(), remittanceID: remittanceID,
            kind: try row.decode(column: "kind", as: String.self), claimID: try row.decode(column: "claim_id", as: String.self),
            payerClaimNumber: try row.decode(column: "payer_claim_number", as: String.self),
            status: RemittanceItem.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .review,
            reason: try row.decode(column: "reason", as: String.self),
            patientID: try row.decode(column: "patient_id", as: String?.self).flatMap(UUID.init(uuidString:)),
            sessionID: try row.decode(column: "session_id", as: String?.self).flatMap(UUID.init(uuidString:)),
            charge: Cents(try row.decode(column: "charge_cents", as: Int64.self)), paid: Cents(try row.decode(column: "paid_cents", as: Int64.self)),
            writeOff: Cents(try row.decode(column: "write_off_cents", as: Int64.self)),
            patientShare: Cents(try row.decode(column: "patient_share_cents", as: Int64.self)), adjustments: try row.decode(column: "adjustments", as: String.self))
        item.paymentEntryID = try row.decode(column: "payment_entry_id", as: String?.self).flatMap(UUID.init(uuidString:))
        item.writeOffEntryID = try row.decode(column: "write_off_entry_id", as: String?.self).flatMap(UUID.init(uuidString:))
        return item
    }
}
