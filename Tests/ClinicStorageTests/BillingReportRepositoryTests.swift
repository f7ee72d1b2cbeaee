import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

@Suite("Billing reports from storage")
struct BillingReportRepositoryTests {
    @Test("An insurer-billed session and a self-pay infusion: period figures, ageing and authorisations", arguments: TestDatabases.engines)
    func report(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup
            let (esketamine, clinicID, eskSession, _) = try await BillingSessions.discharged(database, treatment: .esketamine, doseMg: 56, minutes: 10)
            let (infusion, _, ivSession, _) = try await BillingSessions.discharged(database, treatment: .ivKetamine, doseMg: 35, minutes: 45, given: "Bea")
            let billing = BillingRepository(database: database)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)
            _ = try await billing.captureCharges(session: eskSession, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)
            _ = try await billing.captureCharges(session: ivSession, clinicID: clinicID, selfPay: true, stamp: Fixtures.stamp)
            _ = try await billing.post(LedgerPosting(kind: .payment, amount: Cents(20_000), method: .cash, postedOn: Fixtures.today), patientID: infusion.id,
                                       clinicID: clinicID, today: Fixtures.today, stamp: Fixtures.stamp)
            try await PriorAuthorizationRepository(database: database).record(
                PriorAuthorization(patientID: esketamine.id, payer: "Cascade", memberID: "M1", number: "PA1", approvedUnits: 8,
                                   validFrom: Fixtures.today.adding(days: -30), validTo: Fixtures.today.adding(days: 5), codes: ["G2082"], drug: "Spravato"),
                clinicID: clinicID, stamp: Fixtures.stamp)

            // act
            let report = try await BillingReportRepository(database: database).report(
                clinicID: clinicID, from: Fixtures.today.adding(days: -30), to: Fixtures.today, asOf: Fixtures.today.adding(days: 45), today: Fixtures.today)

            // validate: G2082 $900 + J0013 × 56 $1,120 insurer; 96365 $400 + J3490 $50 self-pay; $200 cash
            #expect(report.summary.total.charges == Cents(247_000) && report.summary.total.collected == Cents(20_000))
            #expect(report.summary.byPayer.map { "\($0.key) \($0.charges.value)" } == ["Insurer 202000", "Self-pay 45000"])
            #expect(report.summary.balanceAtEnd == Cents(227_000))
            #expect(report.ageing.map { "\($0.selfPay) \($0.buckets.days31to60.value)" } == ["false 202000", "true 25000"])
            #expect(report.names[infusion.id]?.hasPrefix("Testwood, Bea (") == true)
            #expect(report.authorizations.map(\.status) == [.expiringSoon])
        }
    }
}
