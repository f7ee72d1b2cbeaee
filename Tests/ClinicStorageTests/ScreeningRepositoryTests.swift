import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Signed screenings and clinic policies in storage")
struct ScreeningRepositoryTests {
    private struct Setup {
        let clinic: Clinic
        let patient: PatientSummary
        let records: SQLPatientRecordRepository
        let screenings: ScreeningRepository
    }

    private func setUp(_ database: ClinicDatabase) async throws -> Setup {
        let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
        let patient = try await SQLPatientRepository(database: database)
            .register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
        return Setup(clinic: clinic, patient: patient, records: SQLPatientRecordRepository(database: database),
                     screenings: ScreeningRepository(database: database))
    }

    private func evaluate(_ chart: PatientChart) -> (ScreeningResult, TreatmentResistanceAssessment) {
        let record = chart.record
        return (ScreeningEngine.evaluate(record, policy: .defaults, jurisdiction: Jurisdiction(code: "US")!, today: Fixtures.today),
                TreatmentResistanceCalculator.assess(trials: record.trials, episode: record.currentEpisode, policy: .defaults,
                                                     today: Fixtures.today))
    }

    @Test("Signing stores version 1 with its snapshot; a change to the record makes it stale; re-screening is version 2",
          arguments: TestDatabases.engines)
    func signAndVersion(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            _ = try await s.records.add(MedicalHistory(aneurysmalVascularDisease: true), to: s.patient.id, stamp: Fixtures.stamp)
            let chart = try #require(try await s.records.chart(s.patient.id, in: s.clinic.id))
            let (result, resistance) = evaluate(chart)
            let aneurysm = try #require(result[.esketamine]?.findings(.contraindication).first)
            let review = ScreeningReview(overrides: [.init(treatment: .esketamine, ruleID: aneurysm.ruleID,
                                                           reason: "vascular surgeon cleared: repaired in 2019")])
            let first = try await s.screenings.sign(patientID: s.patient.id, record: chart.record, recordRevision: chart.revision,
                                                    result: result, review: review, resistance: resistance, stamp: Fixtures.stamp)
            #expect(first.version == 1)
            let stored = try #require(try await s.screenings.find(patientID: s.patient.id, version: 1))
            #expect(stored == first, "the snapshot reads back exactly")
            #expect(stored.decision(for: .esketamine) == .eligibleWithCautions)
            #expect(!stored.isStale(currentRevision: chart.revision))

            _ = try await s.records.add(WeightMeasurement(kilograms: 70, measuredOn: Fixtures.today), to: s.patient.id, stamp: Fixtures.stamp)
            let changed = try #require(try await s.records.chart(s.patient.id, in: s.clinic.id))
            #expect(stored.isStale(currentRevision: changed.revision))

            let (again, againResistance) = evaluate(changed)
            let second = try await s.screenings.sign(patientID: s.patient.id, record: changed.record, recordRevision: changed.revision,
                                                     result: again, review: ScreeningReview(), resistance: againResistance,
                                                     stamp: Fixtures.stamp)
            #expect(second.version == 2)
            #expect(second.decision(for: .esketamine) == .notEligible, "no override this time")
            #expect(try await s.screenings.list(patientID: s.patient.id).map(\.version) == [2, 1])
            #expect(try await s.screenings.latest(patientID: s.patient.id)?.version == 2)

            let audit = try await AuditTrail(database: database).page(AuditFilter(patientID: s.patient.id), before: nil, limit: 20)
            #expect(audit.contains { $0.event.action == .sign && $0.event.summary.hasPrefix("signed screening version 1") })
            #expect(audit.contains { $0.event.action == .override && $0.event.summary.contains("vascular surgeon cleared") })
        }
    }

    @Test("A signature for an outdated revision is refused; signed rows cannot be changed", arguments: TestDatabases.engines)
    func staleRevisionAndImmutability(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let chart = try #require(try await s.records.chart(s.patient.id, in: s.clinic.id))
            let (result, resistance) = evaluate(chart)
            _ = try await s.records.add(Allergy(substance: "latex"), to: s.patient.id, stamp: Fixtures.stamp)
            await #expect(throws: RecordChangedError.self) {
                _ = try await s.screenings.sign(patientID: s.patient.id, record: chart.record, recordRevision: chart.revision,
                                                result: result, review: ScreeningReview(), resistance: resistance, stamp: Fixtures.stamp)
            }
            let fresh = try #require(try await s.records.chart(s.patient.id, in: s.clinic.id))
            let (freshResult, freshResistance) = evaluate(fresh)
            _ = try await s.screenings.sign(patientID: s.patient.id, record: fresh.record, recordRevision: fresh.revision,
                                            result: freshResult, review: ScreeningReview(), resistance: freshResistance,
                                            stamp: Fixtures.stamp)
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("UPDATE screenings SET signed_by_name = 'someone else'").run() }
            }
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("DELETE FROM screenings").run() }
            }
        }
    }

    @Test("Clinic policies default, then read back as stored", arguments: TestDatabases.engines)
    func policies(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let repository = ClinicPolicyRepository(database: database)
            #expect(try await repository.policies(of: s.clinic.id) == .defaults)
            var changed = ClinicPolicies.defaults
            changed.resistance = TreatmentResistancePolicy(adequateTrialWeeks: 8, minimumFailedTrials: 3, requireDifferentDrugs: true)
            try await repository.update(changed, of: s.clinic.id, stamp: Fixtures.stamp)
            #expect(try await repository.policies(of: s.clinic.id) == changed)
        }
    }
}
