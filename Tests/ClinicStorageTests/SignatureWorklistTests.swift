import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

@Suite("What waits for a prescriber's signature")
struct SignatureWorklistTests {
    @Test("Never screened, amended after the screening, and screened without a plan each appear; a screened and planned patient does not",
          arguments: TestDatabases.engines)
    func worklists(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup: B has a screening and a plan (the fixture); A has an intake record only; C has a screening, no plan.
            let (planned, _) = try await SessionFixtures.plannedSession(database, treatment: .ivKetamine, given: "Bea", family: "Planned")
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            let patients = SQLPatientRepository(database: database)
            let records = SQLPatientRecordRepository(database: database)
            let unscreened = try await patients.register(Fixtures.registration(given: "Al", family: "Unscreened"), in: clinic.id, stamp: Fixtures.stamp)
            _ = try await records.add(WeightMeasurement(kilograms: 70, measuredOn: Fixtures.today), to: unscreened.id, stamp: Fixtures.stamp)
            let screenedOnly = try await patients.register(Fixtures.registration(given: "Cy", family: "Screened"), in: clinic.id, stamp: Fixtures.stamp)
            _ = try await records.add(WeightMeasurement(kilograms: 70, measuredOn: Fixtures.today), to: screenedOnly.id, stamp: Fixtures.stamp)
            let chart = try #require(try await records.chart(screenedOnly.id, in: clinic.id))
            let result = ScreeningEngine.evaluate(chart.record, policy: .defaults, jurisdiction: clinic.settings.jurisdiction, today: Fixtures.today)
            _ = try await ScreeningRepository(database: database).sign(
                patientID: screenedOnly.id, record: chart.record, recordRevision: chart.revision, result: result,
                review: ScreeningReview(acknowledgements: []),
                resistance: TreatmentResistanceCalculator.assess(trials: [], episode: nil, policy: .defaults, today: Fixtures.today),
                stamp: Fixtures.stamp)
            let worklist = SignatureWorklistRepository(database: database)

            // act / validate: before any amendment
            var screenings = try await worklist.screeningsToSign(clinicID: clinic.id, limit: 10)
            #expect(screenings.map(\.patientID) == [unscreened.id])
            #expect(screenings.first?.everScreened == false)
            #expect(try await worklist.plansToSign(clinicID: clinic.id, limit: 10) == [screenedOnly.id])

            // act: B's record is amended after the screening that the plan rests on.
            _ = try await records.add(WeightMeasurement(kilograms: 68, measuredOn: Fixtures.today), to: planned.id, stamp: Fixtures.stamp)
            screenings = try await worklist.screeningsToSign(clinicID: clinic.id, limit: 10)
            // validate: B now needs a screening again (ordered by family name); it is not offered a plan on a stale screening.
            #expect(screenings.map(\.patientID) == [planned.id, unscreened.id])
            #expect(screenings.first?.everScreened == true)
            #expect(try await worklist.plansToSign(clinicID: clinic.id, limit: 10) == [screenedOnly.id])
            #expect(try await worklist.screeningsToSign(clinicID: clinic.id, limit: 1).count == 1)
        }
    }
}
