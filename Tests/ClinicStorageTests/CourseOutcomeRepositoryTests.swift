import ClinicDomain
@testable import ClinicStorage
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

    /// The counts straight from the derived rows, with no month cube: what the cube must equal.
    static func fromRows(_ filter: OutcomeCohortFilter, clinicID: UUID, _ database: ClinicDatabase) async throws -> OutcomeAggregates {
        var aggregates = try await database.read { db in
            try await CourseOutcomeRepository.aggregates(filter, clinic: clinicID.uuidString, span: .days(filter.from, filter.to), db)
        }
        for dimension in OutcomeDimension.allCases where aggregates.tallies[dimension] == nil { aggregates.tallies[dimension] = [:] }
        return aggregates
    }

    @Test("The month cube gives the same counts as the derived rows for whole months, part months and single days, before and after a refresh",
          arguments: TestDatabases.engines)
    func monthCube(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            _ = try await DemoClinicLoader(database: database).load(patients: 200, seed: 8, now: Fixtures.now)
            let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
            let repository = CourseOutcomeRepository(database: database)
            let today = Fixtures.today
            let first = CalendarDate(year: today.year - 1, month: 1, day: 1)!
            let periods: [(CalendarDate, CalendarDate)] = [
                (first, today),                                      // whole months and this month's days
                (first.adding(days: 9), today.adding(days: -20)),    // part months at both ends
                (first, CalendarDate(year: today.year - 1, month: 12, day: 31)!),  // whole months only
                (today.adding(days: -3), today),                     // days within one month
                (Self.period.from, Self.period.to),
            ]
            func check(_ label: String) async throws {
                for (from, to) in periods {
                    for treatment in [nil, Treatment.esketamine] {
                        var filter = OutcomeCohortFilter(from: from, to: to)
                        filter.treatment = treatment
                        let viaCube = try await repository.aggregates(filter, clinicID: clinic.id)
                        let viaRows = try await Self.fromRows(filter, clinicID: clinic.id, database)
                        #expect(viaCube == viaRows, "\(label): \(from.iso)…\(to.iso) \(treatment?.rawValue ?? "all")")
                    }
                }
            }
            let whole = try await repository.aggregates(OutcomeCohortFilter(from: periods[0].0, to: periods[0].1), clinicID: clinic.id)
            #expect((whole.tallies[.clinic]?.values.map(\.courses).reduce(0, +) ?? 0) > 100, "the demo's courses are counted")
            try await check("as loaded")
            // A new rating changes one patient's course: the refresh rebuilds the months it touches.
            let patient = try #require(try await SQLPatientRepository(database: database).page(in: clinic.id, after: nil, limit: 200)
                .first { $0.registration.familyName != "Eligible" && !DemoIntakeScenarios.plannedCourses.map(\.familyName).contains($0.registration.familyName) })
            let later = Fixtures.now.addingTimeInterval(7_200)
            let score = try InstrumentScoring.score(.phq9, answers: DemoIntakeScenarios.phq9Answers(total: 2, item9: 0))
            _ = try await ScaleRepository(database: database).record(
                [ScaleResponse(id: UUID.random(), patientID: patient.id, score: score, administeredOn: today.adding(days: -1),
                               recordedAt: later, source: .staff, recordedByName: "Test")], stamp: .system("test", at: later))
            #expect(try await repository.refresh(clinicID: clinic.id, policy: .defaults, now: later.addingTimeInterval(60)) >= 1)
            try await check("after a refresh")
        }
    }

    @Test("A period splits into whole months and the days at either end", arguments: [
        ("2026-01-01", "2026-03-31", ["m 2026-01 2026-03"]),
        ("2026-01-10", "2026-03-31", ["m 2026-02 2026-03", "d 2026-01-10 2026-01-31"]),
        ("2026-01-10", "2026-03-05", ["m 2026-02 2026-02", "d 2026-01-10 2026-01-31", "d 2026-03-01 2026-03-05"]),
        ("2026-01-10", "2026-02-05", ["d 2026-01-10 2026-02-05"]),
        ("2025-12-01", "2026-01-31", ["m 2025-12 2026-01"]),
        ("2024-02-01", "2024-02-29", ["m 2024-02 2024-02"]),
        ("2026-03-05", "2026-03-01", []),
    ])
    func split(from: String, to: String, expected: [String]) {
        let spans = OutcomeSpan.split(from: CalendarDate(iso: from)!, to: CalendarDate(iso: to)!).map { span in
            switch span {
            case .months(let a, let b): "m \(a) \(b)"
            case .days(let a, let b): "d \(a.iso) \(b.iso)"
            }
        }
        #expect(spans == expected)
    }
}
