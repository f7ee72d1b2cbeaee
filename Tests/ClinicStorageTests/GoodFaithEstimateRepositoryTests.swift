import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

@Suite("Good Faith Estimates in storage")
struct GoodFaithEstimateRepositoryTests {
    @Test("Kept with the account; a course billed $400 or more over its estimate is flagged [B9]", arguments: TestDatabases.engines)
    func keptAndFlagged(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: a self-pay infusion of 100 minutes: 96365 $400 + 96366 $100 + J3490 $50 = $550
            let (patient, clinicID, sessionID, _) = try await BillingSessions.discharged(database, treatment: .ivKetamine, doseMg: 35, minutes: 100)
            let billing = BillingRepository(database: database)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)
            _ = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: true, stamp: Fixtures.stamp)
            let fees = try await billing.feeSchedule(of: clinicID)
            let estimates = GoodFaithEstimateRepository(database: database)
            func estimate(_ lines: [(key: String, units: Int)]) throws -> GoodFaithEstimateRecord {
                try GoodFaithEstimateRecord.make(patientID: patient.id, sessions: 1, lines: lines, firstServiceOn: Fixtures.today,
                                                 lastServiceOn: Fixtures.today, scheduledOn: Fixtures.today.adding(days: -14), requested: false,
                                                 givenOn: Fixtures.today.adding(days: -13), fees: fees, today: Fixtures.today)
            }

            // act
            try await estimates.record(try estimate([("96365", 1), ("J3490", 1)]), clinicID: clinicID, stamp: Fixtures.stamp)
            try await estimates.record(try estimate([("J3490", 1)]), clinicID: clinicID, stamp: Fixtures.stamp)

            // validate
            let standings = try await estimates.standings(of: patient.id, clinicID: clinicID)
            #expect(standings.map(\.estimate.total.value).sorted() == [5_000, 45_000])
            #expect(standings.map(\.comparison.billed.value) == [55_000, 55_000])
            let flagged = try await estimates.overThreshold(clinicID: clinicID)
            #expect(flagged.map(\.standing.estimate.total) == [Cents(5_000)], "$550 billed is $500 over a $50 estimate")
            #expect(flagged.first?.patientName.hasPrefix("Testwood") == true)
        }
    }
}
