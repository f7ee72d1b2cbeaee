import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

@Suite("Prepaid session packages in storage: sale with prepayment, draw-down by captured sessions")
struct PackageRepositoryTests {
    @Test("Three infusions for $1,000.00: sessions draw 333.33, 333.33, 333.34; the fourth is charged the list price", arguments: TestDatabases.engines)
    func drawDown(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: an IV patient with a six-session plan and the test prices (96365 $400, J3490 $50 self-pay)
            let (patient, clinicID, firstSession, _) = try await BillingSessions.discharged(database, treatment: .ivKetamine, doseMg: 35, minutes: 45)
            let billing = BillingRepository(database: database)
            let packages = PackageRepository(database: database)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)
            let offer = try await packages.addPackage(
                SessionPackage(name: "Induction series, 3 infusions", sessions: 3, price: Cents(100_000), codes: ["96365", "j3490"],
                               validFrom: CalendarDate(year: 2026, month: 1, day: 1)!), to: clinicID, stamp: Fixtures.stamp)
            #expect(offer.codes == ["96365", "J3490"])
            let sessions = try await TreatmentPlanRepository(database: database).sessions(patientID: patient.id).map(\.id)
            #expect(sessions.count >= 4)

            // act: sell with a card prepayment, close and capture four sessions, recapture the first
            await #expect(throws: FieldErrors.self, "a card number as the reference stores nothing") {
                try await packages.sell(offer.id, to: patient.id, clinicID: clinicID, on: Fixtures.today,
                                        prepayment: .init(method: .card, reference: "4111 1111 1111 1111"), today: Fixtures.today, stamp: Fixtures.stamp)
            }
            #expect(try await packages.standings(of: patient.id, clinicID: clinicID).isEmpty)
            let purchase = try await packages.sell(offer.id, to: patient.id, clinicID: clinicID, on: Fixtures.today,
                                                   prepayment: .init(method: .card, reference: "TX-771"), today: Fixtures.today, stamp: Fixtures.stamp)
            var amounts: [[Int64]] = []
            for session in sessions.prefix(4) {
                if session != firstSession {
                    try await BillingSessions.close(database, sessionID: session, treatment: .ivKetamine, doseMg: 35, minutes: 45)
                }
                let outcome = try await billing.captureCharges(session: session, clinicID: clinicID, selfPay: true, stamp: Fixtures.stamp)
                amounts.append(outcome.current.map(\.amount.value))
                if session == sessions[2] { #expect(outcome.current.allSatisfy { $0.packageID == purchase.id }) }
            }
            let recapture = try await billing.captureCharges(session: firstSession, clinicID: clinicID, selfPay: true, stamp: Fixtures.stamp)

            // validate: the share split over 96365 and J3490 in proportion to 400:50, the rounding on the first line
            #expect(amounts == [[29_630, 3_703], [29_630, 3_703], [29_631, 3_703], [40_000, 5_000]])
            guard case .unchanged = recapture else { Issue.record("a recapture keeps the package share"); return }
            let standing = try #require(try await packages.standings(of: patient.id, clinicID: clinicID).first)
            #expect(standing.used == 3 && standing.remaining == 0 && standing.drawn == Cents(100_000) && standing.undrawn == .zero)
            let summary = try await billing.summary(of: patient.id, in: clinicID)
            #expect(summary.payments == Cents(100_000))
            #expect(summary.balance == Cents(45_000), "the package is used up; the fourth infusion is owed at list price")
        }
    }

    @Test("Bad packages and sales are refused with nothing stored", arguments: TestDatabases.engines)
    func refusals(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (patient, _) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine)
            let clinicID = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now).id
            let packages = PackageRepository(database: database)
            let from = CalendarDate(year: 2026, month: 1, day: 1)!
            let bad: [(SessionPackage, String)] = [
                (SessionPackage(name: "", sessions: 6, price: Cents(240_000), codes: ["96365"], validFrom: from), "name"),
                (SessionPackage(name: "One", sessions: 1, price: Cents(40_000), codes: ["96365"], validFrom: from), "sessions"),
                (SessionPackage(name: "Negative", sessions: 6, price: Cents(-1), codes: ["96365"], validFrom: from), "price"),
                (SessionPackage(name: "Pennies", sessions: 6, price: Cents(500), codes: ["96365"], validFrom: from), "price"),
                (SessionPackage(name: "Unknown", sessions: 6, price: Cents(240_000), codes: ["99999"], validFrom: from), "codes"),
                (SessionPackage(name: "Diagnosis", sessions: 6, price: Cents(240_000), codes: ["F33.2"], validFrom: from), "codes"),
                (SessionPackage(name: "Backwards", sessions: 6, price: Cents(240_000), codes: ["96365"], validFrom: from,
                                validTo: CalendarDate(year: 2025, month: 12, day: 31)!), "validTo"),
            ]
            for (package, field) in bad {
                do {
                    try await packages.addPackage(package, to: clinicID, stamp: Fixtures.stamp)
                    Issue.record("\(package.name) was accepted")
                } catch let errors as FieldErrors {
                    #expect(errors[field] != nil, "\(package.name): \(field)")
                }
            }
            #expect(try await packages.packages(of: clinicID).isEmpty)
            let ended = try await packages.addPackage(SessionPackage(name: "Ended", sessions: 6, price: Cents(240_000), codes: ["96365"], validFrom: from,
                                                                     validTo: CalendarDate(year: 2026, month: 6, day: 30)!), to: clinicID, stamp: Fixtures.stamp)
            await #expect(throws: FieldErrors.self, "no longer on sale") {
                try await packages.sell(ended.id, to: patient.id, clinicID: clinicID, on: Fixtures.today, prepayment: nil, today: Fixtures.today,
                                        stamp: Fixtures.stamp)
            }
            await #expect(throws: BillingRefusal.self, "no such package") {
                try await packages.sell(UUID(), to: patient.id, clinicID: clinicID, on: Fixtures.today, prepayment: nil, today: Fixtures.today,
                                        stamp: Fixtures.stamp)
            }
            #expect(try await packages.standings(of: patient.id, clinicID: clinicID).isEmpty)
        }
    }
}
