import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Course outcomes: derived rows, refresh and the grouped report")
struct CourseOutcomeRepositoryTests {
    static let period = (from: Fixtures.today.adding(days: -400), to: Fixtures.today)

    @Test("The demo's bulk-written rows equal a full refresh from the plans, sessions and ratings", arguments: TestDatabases.engines)
    func bulkRowsMatchRefresh(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup
            _ = try await DemoClinicLoader(database: database).load(patients: 240, seed: 5, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let repository = CourseOutcomeRepository(database: database)
            let filter = OutcomeCohortFilter(from: Self.period.from, to: Self.period.to)
            let zone = clinic.settings.resolvedTimeZone
            // act
            let loaded = try await repository.report(filter, clinicID: clinic.id, timeZone: zone, policy: .defaults, now: Fixtures.now)
            try await database.write { db in
                for table in ["course_dose_effects", "course_outcomes", "course_outcome_refreshes"] {
                    try await db.raw("DELETE FROM \(ident: table)").run()
                }
            }
            let judged = try await repository.refresh(clinicID: clinic.id, policy: .defaults, now: Fixtures.now)
            let rebuilt = try await repository.report(filter, clinicID: clinic.id, timeZone: zone, policy: .defaults, now: Fixtures.now)
            // validate
            #expect(judged >= 220, "every patient with a plan is judged on the first refresh")
            #expect(loaded.overall.courses >= 220)
            #expect(loaded.overall == rebuilt.overall)
            #expect(loaded.breakdowns == rebuilt.breakdowns)
            #expect(loaded.timeToRelapse == rebuilt.timeToRelapse)
            #expect(loaded.durationOfEffect == rebuilt.durationOfEffect)
            #expect(loaded.waterfall == rebuilt.waterfall)
            #expect(loaded.comparison == rebuilt.comparison)
            #expect(loaded.overall.responses > 0 && loaded.overall.relapsed > 0 && loaded.durationOfEffect.curve.events > 0)
            #expect(loaded.safety.sessions > 0 && loaded.safety.bloodPressureAlerts >= 1, "the demo's IV alert")
        }
    }

    @Test("A refresh judges again only the patients whose ratings changed; the report follows", arguments: TestDatabases.engines)
    func incrementalRefresh(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            // setup
            _ = try await DemoClinicLoader(database: database).load(patients: 60, seed: 6, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let repository = CourseOutcomeRepository(database: database)
            let later = Fixtures.now.addingTimeInterval(3_600)
            _ = try await repository.refresh(clinicID: clinic.id, policy: .defaults, now: later)
            #expect(try await repository.refresh(clinicID: clinic.id, policy: .defaults, now: later.addingTimeInterval(3_600)) == 0,
                    "nothing changed")
            let patient = try #require(try await SQLPatientRepository(database: database).page(in: clinic.id, after: nil, limit: 200)
                .first { $0.registration.familyName != "Eligible" && !DemoIntakeScenarios.plannedCourses.map(\.familyName).contains($0.registration.familyName) })
            // act: a new PHQ-9 rating recorded two hours later
            let score = try InstrumentScoring.score(.phq9, answers: DemoIntakeScenarios.phq9Answers(total: 3, item9: 0))
            _ = try await ScaleRepository(database: database).record(
                [ScaleResponse(id: UUID(), patientID: patient.id, score: score, administeredOn: Fixtures.today.adding(days: -1),
                               recordedAt: later.addingTimeInterval(7_200), source: .staff, recordedByName: "Test")],
                stamp: .system("test", at: later.addingTimeInterval(7_200)))
            let judged = try await repository.refresh(clinicID: clinic.id, policy: .defaults, now: later.addingTimeInterval(7_300))
            // validate
            #expect(judged == 1)
        }
    }

    @Test("Filters narrow the counts; an empty period gives an empty report, not zeros", arguments: TestDatabases.engines)
    func filters(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await DemoClinicLoader(database: database).load(patients: 120, seed: 7, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let repository = CourseOutcomeRepository(database: database)
            let zone = clinic.settings.resolvedTimeZone
            var filter = OutcomeCohortFilter(from: Self.period.from, to: Self.period.to)
            let all = try await repository.report(filter, clinicID: clinic.id, timeZone: zone, policy: .defaults, now: Fixtures.now)
            filter.treatment = .esketamine
            let esketamine = try await repository.report(filter, clinicID: clinic.id, timeZone: zone, policy: .defaults, now: Fixtures.now)
            filter.treatment = .ivKetamine
            let iv = try await repository.report(filter, clinicID: clinic.id, timeZone: zone, policy: .defaults, now: Fixtures.now)
            #expect(esketamine.overall.courses > 0 && iv.overall.courses > 0)
            #expect(esketamine.overall.courses + iv.overall.courses == all.overall.courses)
            #expect(esketamine.breakdowns.first { $0.dimension == .treatment }?.rows.map(\.value) == ["esketamine"])
            let empty = try await repository.report(OutcomeCohortFilter(from: CalendarDate(year: 2001, month: 1, day: 1)!,
                                                                        to: CalendarDate(year: 2001, month: 1, day: 31)!),
                                                    clinicID: clinic.id, timeZone: zone, policy: .defaults, now: Fixtures.now)
            #expect(empty.isEmpty)
        }
    }
}
