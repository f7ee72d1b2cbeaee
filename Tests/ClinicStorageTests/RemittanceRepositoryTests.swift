import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

@Suite("835 remittances in storage: matched claims posted, the rest kept for review, each payment once")
struct RemittanceRepositoryTests {
    static func advice(trace: String, claims: [RemittanceAdvice.ClaimPayment], plb: Bool = false) -> RemittanceAdvice {
        RemittanceAdvice(payerName: "CASCADE HEALTH PLAN", traceNumber: trace, totalPaid: Cents(141_400), paidOn: Fixtures.today, claims: claims,
                         providerAdjustments: plb ? [.init(reason: "WO", reference: "OVERPAY1", amount: Cents(2_500))] : [])
    }

    static func claim(_ id: String, charge: Int64 = 202_000, paid: Int64 = 141_400) -> RemittanceAdvice.ClaimPayment {
        .init(claimID: id, status: "1", charge: Cents(charge), paid: Cents(paid), patientResponsibility: Cents(20_200), payerClaimNumber: "PCN1",
              adjustments: [.init(group: "CO", reason: "45", amount: Cents(charge - paid - 20_200)), .init(group: "PR", reason: "2", amount: Cents(20_200))])
    }

    @Test("A claim paid 70 %: payment and CO write-off posted, PR left; unknown claim and PLB for review; same trace refused; paid twice reviewed",
          arguments: TestDatabases.engines)
    func importing(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: an insurer-billed esketamine session, 56 mg: G2082 $900.00 + J0013 × 56 $1,120.00
            let (patient, clinicID, sessionID, _) = try await BillingSessions.discharged(database, treatment: .esketamine, doseMg: 56, minutes: 10)
            let billing = BillingRepository(database: database)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)
            _ = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)
            let claimID = "KC" + String(sessionID.uuidString.replacingOccurrences(of: "-", with: "").prefix(18))
            let remittances = RemittanceRepository(database: database)

            // act
            let imported = try await remittances.importAdvice(Self.advice(trace: "8800123", claims: [Self.claim(claimID), Self.claim("KCFFFFFFFFFFFFFFFFFF")],
                                                                          plb: true),
                                                              clinicID: clinicID, today: Fixtures.today, stamp: Fixtures.stamp)
            await #expect(throws: BillingRefusal.self, "the same payment twice") {
                try await remittances.importAdvice(Self.advice(trace: "8800123", claims: [Self.claim(claimID)]), clinicID: clinicID,
                                                   today: Fixtures.today, stamp: Fixtures.stamp)
            }
            let again = try await remittances.importAdvice(Self.advice(trace: "8800999", claims: [Self.claim(claimID), Self.claim(claimID.lowercased(), charge: 1)]),
                                                           clinicID: clinicID, today: Fixtures.today, stamp: Fixtures.stamp)

            // validate
            #expect(imported.items.map(\.status) == [.posted, .review, .review])
            #expect(imported.items[0].sessionID == sessionID && imported.items[0].writeOff == Cents(40_400) && imported.items[0].patientShare == Cents(20_200))
            #expect(imported.items[1].reason.contains("No insurer-billed session"))
            #expect(imported.items[2].kind == "provider-adjustment")
            #expect(again.items.map(\.status) == [.review, .review])
            #expect(again.items[0].reason.contains("already posted from payment 8800123"))
            let ledger = try await billing.ledger(of: patient.id, in: clinicID)
            let payment = try #require(ledger.first { $0.kind == .payment })
            #expect(payment.amount == Cents(141_400) && payment.method == .insurer && payment.reference == "EFT/check 8800123")
            #expect(ledger.first { $0.kind == .writeOff }?.amount == Cents(40_400))
            #expect(LedgerSummary(ledger).balance == Cents(20_200), "the coinsurance stays on the patient's account")
            let listed = try await remittances.remittances(of: clinicID)
            #expect(listed.map(\.traceNumber) == ["8800999", "8800123"] || listed.map(\.traceNumber) == ["8800123", "8800999"])
            #expect(listed.first { $0.traceNumber == "8800123" }?.items.first?.paymentEntryID == payment.id)
        }
    }

    @Test("A claim whose charges changed since it was sent, or that the ledger refuses, is kept for review with nothing posted",
          arguments: TestDatabases.engines)
    func refusedClaims(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (patient, clinicID, sessionID, _) = try await BillingSessions.discharged(database, treatment: .esketamine, doseMg: 56, minutes: 10)
            let billing = BillingRepository(database: database)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)
            _ = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)
            let claimID = "KC" + String(sessionID.uuidString.replacingOccurrences(of: "-", with: "").prefix(18))
            var future = Self.advice(trace: "1", claims: [Self.claim(claimID)])
            future.paidOn = Fixtures.today.adding(days: 3)
            let remittances = RemittanceRepository(database: database)
            let changed = try await remittances.importAdvice(Self.advice(trace: "2", claims: [Self.claim(claimID, charge: 190_000, paid: 130_000)]),
                                                             clinicID: clinicID, today: Fixtures.today, stamp: Fixtures.stamp)
            let refused = try await remittances.importAdvice(future, clinicID: clinicID, today: Fixtures.today, stamp: Fixtures.stamp)
            #expect(changed.items.first?.reason.contains("charges in force are $2,020.00") == true)
            #expect(refused.items.first?.reason.contains("The ledger refuses it") == true)
            #expect(try await billing.ledger(of: patient.id, in: clinicID).allSatisfy { $0.kind == .charge })
        }
    }
}
