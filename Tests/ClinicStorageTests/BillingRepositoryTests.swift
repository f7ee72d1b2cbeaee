import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Billing in storage: code table, fee schedule, charges captured from sessions, the ledger")
struct BillingRepositoryTests {
    @Test("An esketamine session captured, amended to 84 mg, recaptured; payments, refunds and write-offs move the balance",
          arguments: TestDatabases.engines)
    func captureAndLedger(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup
            let (patient, clinicID, sessionID, administration) = try await BillingSessions.discharged(database, treatment: .esketamine,
                                                                                                       doseMg: 56, minutes: 10)
            let billing = BillingRepository(database: database)
            await #expect(throws: BillingRefusal.self, "no price yet: nothing stored") {
                try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)
            }
            #expect(try await billing.ledger(of: patient.id, in: clinicID).isEmpty)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)

            // act: capture, capture again, amend the dose, capture again
            let first = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)
            let again = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)
            var corrected = BillingSessions.details(doseMg: 84, iv: false)
            corrected.lotNumber = "L1"
            try await SessionRecordRepository(database: database).append(.administration(corrected), to: sessionID, amends: administration.id,
                                                                          reason: "Third device given", stamp: Fixtures.stamp)
            let amended = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)

            // validate
            #expect(first.current.map { "\($0.code!)×\($0.units!)=\($0.amount.value)" } == ["G2082×1=90000", "J0013×56=112000"])
            #expect(first.current.allSatisfy { $0.diagnoses == ["F33.2"] })
            guard case .unchanged = again else { Issue.record("a second capture of the same record writes nothing"); return }
            guard case .amended(let reversed, let added) = amended else { Issue.record("the amended record amends the charges"); return }
            #expect(Set(reversed.compactMap(\.reverses)) == Set(first.current.map(\.id)))
            #expect(added.map { "\($0.code!)×\($0.units!)" } == ["G2083×1", "J0013×84"])
            guard case .unchanged(let kept) = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: nil,
                                                                                 stamp: Fixtures.stamp) else {
                Issue.record("a recapture without a payer keeps the insurer and changes nothing"); return
            }
            #expect(kept.allSatisfy { !$0.selfPay })
            var summary = try await billing.summary(of: patient.id, in: clinicID)
            #expect(summary.balance == Cents(128_000 + 84 * 2_000))

            let today = Fixtures.today
            await #expect(throws: FieldErrors.self, "a payment over the balance without a credit") {
                try await billing.post(LedgerPosting(kind: .payment, amount: Cents(500_000), method: .cash, postedOn: today),
                                       patientID: patient.id, clinicID: clinicID, today: today, stamp: Fixtures.stamp)
            }
            try await billing.post(LedgerPosting(kind: .payment, amount: Cents(200_000), method: .hsa, reference: "HSA-7731", postedOn: today),
                                   patientID: patient.id, clinicID: clinicID, today: today, stamp: Fixtures.stamp)
            try await billing.post(LedgerPosting(kind: .refund, amount: Cents(10_000), method: .hsa, reference: "HSA-7731-R", note: "overpaid",
                                                 postedOn: today), patientID: patient.id, clinicID: clinicID, today: today, stamp: Fixtures.stamp)
            try await billing.post(LedgerPosting(kind: .writeOff, amount: Cents(6_000), note: "prompt-pay discount", postedOn: today),
                                   patientID: patient.id, clinicID: clinicID, today: today, stamp: Fixtures.stamp)
            summary = try await billing.summary(of: patient.id, in: clinicID)
            #expect(summary.charges == Cents(296_000))
            #expect(summary.balance == Cents(296_000 - 200_000 + 10_000 - 6_000))
            try await billing.post(LedgerPosting(kind: .payment, amount: Cents(150_000), method: .card, reference: "T-1", postedOn: today,
                                                 allowCredit: true), patientID: patient.id, clinicID: clinicID, today: today, stamp: Fixtures.stamp)
            #expect(try await billing.summary(of: patient.id, in: clinicID).balance == Cents(100_000 - 150_000), "an explicit credit")

            let audit = try await AuditTrail(database: database).page(AuditFilter(patientID: patient.id), limit: 200)
            #expect(audit.contains { $0.event.entityType == "session_charges" && $0.event.action == .amend })
            #expect(audit.filter { $0.event.entityType == "ledger_entry" }.count == 4)
            await #expect(throws: (any Error).self, "ledger lines are never changed") {
                try await database.write { db in try await db.raw("UPDATE ledger_entries SET amount_cents = 1").run() }
            }
            await #expect(throws: (any Error).self, "ledger lines are never deleted") {
                try await database.write { db in try await db.raw("DELETE FROM ledger_entries").run() }
            }
        }
    }

    @Test("IV infusion of 100 minutes: 96365, 96366 × 1, J3490 at self-pay prices", arguments: TestDatabases.engines)
    func infusion(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (_, clinicID, sessionID, _) = try await BillingSessions.discharged(database, treatment: .ivKetamine, doseMg: 35, minutes: 100)
            let billing = BillingRepository(database: database)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)
            let outcome = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: true, stamp: Fixtures.stamp)
            #expect(outcome.current.map { "\($0.code!)×\($0.units!)=\($0.amount.value)" } == ["96365×1=40000", "96366×1=10000", "J3490×1=5000"])
            #expect(outcome.current.allSatisfy { $0.selfPay })
        }
    }

    @Test("Codes and prices: bad input is refused with nothing stored; a clinic code and a retired code", arguments: TestDatabases.engines)
    func codesAndPrices(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let billing = BillingRepository(database: database)
            let day = CalendarDate(year: 2026, month: 1, day: 1)!
            await #expect(throws: FieldErrors.self, "negative price") {
                try await billing.addFeeItem(FeeScheduleItem(service: "x", system: .hcpcs, code: "G2082", price: Cents(-100), selfPayPrice: Cents(0),
                                                             validFrom: day), to: clinic.id, stamp: Fixtures.stamp)
            }
            await #expect(throws: FieldErrors.self, "unknown code") {
                try await billing.addFeeItem(FeeScheduleItem(service: "x", system: .cpt, code: "90837", price: Cents(100), selfPayPrice: Cents(100),
                                                             validFrom: day), to: clinic.id, stamp: Fixtures.stamp)
            }
            #expect(try await billing.feeSchedule(of: clinic.id).isEmpty)
            try await billing.addCode(BillingCode(system: .cpt, code: "90837", description: "Psychotherapy, 60 minutes with patient",
                                                  unit: "per session", source: "clinic: payer contract 2026"), to: clinic.id, stamp: Fixtures.stamp)
            try await billing.addFeeItem(FeeScheduleItem(service: "Psychotherapy 60 min", system: .cpt, code: "90837", price: Cents(20_000),
                                                         selfPayPrice: Cents(18_000), validFrom: day), to: clinic.id, stamp: Fixtures.stamp)
            #expect(try await billing.feeSchedule(of: clinic.id).map(\.code) == ["90837"])
            var retired = try #require(BillingCodeCatalog.defaults.first { $0.code == "S0013" })
            retired.validTo = CalendarDate(year: 2026, month: 3, day: 31)!
            retired.source = "[B3]; clinic keeps S0013 for one payer to 2026-03-31"
            try await billing.addCode(retired, to: clinic.id, stamp: Fixtures.stamp)
            let table = try await billing.codeTable(of: clinic.id)
            #expect(table.filter { $0.code == "S0013" }.count == 1)
            #expect(BillingCodeCatalog.find("S0013", system: .hcpcs, on: CalendarDate(year: 2026, month: 2, day: 1)!, in: table) != nil)
            #expect(table.contains { $0.code == "90837" })
        }
    }

    @Test("A session cancelled before dosing bills nothing unless the policy says so", arguments: TestDatabases.engines)
    func cancelled(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (patient, sessionID) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine)
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            _ = try await SQLPatientRecordRepository(database: database).add(Diagnosis(icd10: "F33.2"), to: patient.id, stamp: Fixtures.stamp)
            try await TreatmentSessionRepository(database: database).apply(.markNoShow, to: sessionID, stamp: Fixtures.stamp)
            let billing = BillingRepository(database: database)
            await #expect(throws: CaptureRefusal.self) {
                try await billing.captureCharges(session: sessionID, clinicID: clinic.id, selfPay: true, stamp: Fixtures.stamp)
            }
            try await billing.updatePolicy(ChargeCapturePolicy(billMissedSessions: true), of: clinic.id, stamp: Fixtures.stamp)
            try await billing.addFeeItem(FeeScheduleItem(service: ChargeCapture.missedSessionService, system: nil, code: nil, price: Cents(10_000),
                                                         selfPayPrice: Cents(10_000), validFrom: CalendarDate(year: 2026, month: 1, day: 1)!),
                                         to: clinic.id, stamp: Fixtures.stamp)
            let outcome = try await billing.captureCharges(session: sessionID, clinicID: clinic.id, selfPay: true, stamp: Fixtures.stamp)
            #expect(outcome.current.map(\.amount) == [Cents(10_000)])
        }
    }

    @Test("Prior authorisations count the sessions billed under them; a bad one stores nothing", arguments: TestDatabases.engines)
    func authorizations(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (patient, clinicID, sessionID, _) = try await BillingSessions.discharged(database, treatment: .esketamine, doseMg: 56, minutes: 10)
            let billing = BillingRepository(database: database)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)
            _ = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)
            let authorizations = PriorAuthorizationRepository(database: database)
            let today = Fixtures.today
            await #expect(throws: FieldErrors.self, "ends before it starts") {
                try await authorizations.record(PriorAuthorization(patientID: patient.id, payer: "P", memberID: "M", number: "N", approvedUnits: 4,
                                                                   validFrom: today, validTo: today.adding(days: -1), codes: ["G2082"], drug: ""),
                                                clinicID: clinicID, stamp: Fixtures.stamp)
            }
            #expect(try await authorizations.standings(clinicID: clinicID, today: today).isEmpty)
            try await authorizations.record(PriorAuthorization(patientID: patient.id, payer: "Cascade", memberID: "M", number: "PA-9", approvedUnits: 4,
                                                               validFrom: today.adding(days: -20), validTo: today.adding(days: 10),
                                                               codes: ["G2082", "G2083"], drug: "Spravato"),
                                            clinicID: clinicID, stamp: Fixtures.stamp)
            let standing = try #require(try await authorizations.standings(clinicID: clinicID, today: today).first)
            #expect(standing.used == 1, "the captured G2082 session")
            #expect(standing.status == .expiringSoon)
            #expect(try await authorizations.standings(clinicID: clinicID, today: today.adding(days: 11)).isEmpty, "expired drops off")
        }
    }
}
