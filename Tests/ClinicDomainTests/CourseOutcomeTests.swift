@testable import ClinicDomain
import Foundation
import Testing

/// Per-course judgements and the report assembled from them. Response = a ≥50% fall
/// [R55-ELEKT][R55-SUS3]; remission PHQ-9 < 5 or MADRS ≤ 10 [R55-ESC][R55-KetECT]; relapse, end of
/// effect, the baseline window and dropout are clinic policy (docs/outcomes.md).
@Suite("Course outcomes")
struct CourseOutcomeTests {
    static let start = CalendarDate(year: 2026, month: 3, day: 2)!
    static func day(_ offset: Int) -> CalendarDate { start.adding(days: offset) }
    static func given(_ days: [Int]) -> [CourseSessionFact] { days.map { CourseSessionFact(date: day($0), state: .discharged) } }
    static func ratings(_ points: [(Int, Int)]) -> [ScoreObservation] { points.map { ScoreObservation(date: day($0.0), total: $0.1) } }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let sessions: [CourseSessionFact]
        let planned: Int
        let phq9: [ScoreObservation]
        let madrs: [ScoreObservation]
        let exclusion: CourseExclusion?
        let instrument: InstrumentID?
        let response: Bool
        let remission: Bool
        let timeToResponse: SurvivalObservation?
        let sessionsToResponse: Int?
        let timeToRelapse: SurvivalObservation?
        let dropout: Bool
        let effects: [SurvivalObservation]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no session given (all cancelled): excluded, and a dropout of a course never begun",
             sessions: [CourseSessionFact(date: day(0), state: .cancelled), CourseSessionFact(date: day(2), state: .noShow)], planned: 2,
             phq9: ratings([(0, 20)]), madrs: [], exclusion: .noSessionGiven, instrument: nil, response: false, remission: false,
             timeToResponse: nil, sessionsToResponse: nil, timeToRelapse: nil, dropout: true, effects: []),
        Case(name: "no rating in the 30 days before the first session: no baseline",
             sessions: given([0, 2, 4]), planned: 3, phq9: ratings([(-31, 20), (10, 8)]), madrs: [], exclusion: .noBaseline,
             instrument: nil, response: false, remission: false, timeToResponse: nil, sessionsToResponse: nil, timeToRelapse: nil,
             dropout: false, effects: []),
        Case(name: "a baseline and nothing after it: too few assessments",
             sessions: given([0, 2]), planned: 6, phq9: ratings([(-2, 18)]), madrs: [], exclusion: .tooFewAssessments,
             instrument: .phq9, response: false, remission: false, timeToResponse: nil, sessionsToResponse: nil, timeToRelapse: nil,
             dropout: false, effects: []),
        // Baseline 20 (day −1). Day 8: 9 ≤ 10 → response (4 sessions before day 8: 0, 2, 4, 7). Endpoint: the last
        // rating up to day 11 + 7 = 18, day 14: 6 → response at the endpoint, no remission (6 > 4). Days 21 and 28
        // above 10 twice in a row → relapse on day 28, 20 days after the response.
        // Effects: dose 7 seen on day 8, next dose day 9 → censored at 1; dose 11 seen on 14, ends on 21 → 10.
        Case(name: "responder who relapses", sessions: given([0, 2, 4, 7, 9, 11]), planned: 6,
             phq9: ratings([(-1, 20), (3, 12), (8, 9), (14, 6), (21, 11), (28, 12)]), madrs: [], exclusion: nil, instrument: .phq9,
             response: true, remission: false, timeToResponse: .init(time: 8, event: true), sessionsToResponse: 4,
             timeToRelapse: .init(time: 20, event: true), dropout: false,
             effects: [.init(time: 1, event: false), .init(time: 10, event: true)]),
        Case(name: "no PHQ-9 baseline: judged on MADRS; 30 → 10 is response and remission (≤ 10)",
             sessions: given([0, 3, 7]), planned: 3, phq9: ratings([(5, 4)]), madrs: ratings([(0, 30), (14, 10)]), exclusion: nil,
             instrument: .madrs, response: true, remission: true, timeToResponse: .init(time: 14, event: true), sessionsToResponse: 3,
             timeToRelapse: .init(time: 0, event: false), dropout: false, effects: [.init(time: 7, event: false)]),
        Case(name: "two of six given, the rest cancelled: dropout; no response, censored at the last rating",
             sessions: given([0, 2]) + [CourseSessionFact(date: day(4), state: .cancelled), CourseSessionFact(date: day(7), state: .noShow)],
             planned: 6, phq9: ratings([(0, 16), (5, 14)]), madrs: [], exclusion: nil, instrument: .phq9, response: false,
             remission: false, timeToResponse: .init(time: 5, event: false), sessionsToResponse: nil, timeToRelapse: nil, dropout: true,
             effects: []),
        Case(name: "one missed session in the middle is not a dropout",
             sessions: given([0, 4]) + [CourseSessionFact(date: day(2), state: .noShow)], planned: 3, phq9: ratings([(0, 16), (6, 12)]),
             madrs: [], exclusion: nil, instrument: .phq9, response: false, remission: false, timeToResponse: .init(time: 6, event: false),
             sessionsToResponse: nil, timeToRelapse: nil, dropout: false, effects: []),
        Case(name: "sessions still to come: not a dropout even with few given",
             sessions: given([0]) + [CourseSessionFact(date: day(30), state: .scheduled)], planned: 6, phq9: ratings([(0, 16), (3, 4)]),
             madrs: [], exclusion: nil, instrument: .phq9, response: true, remission: true, timeToResponse: .init(time: 3, event: true),
             sessionsToResponse: 1, timeToRelapse: .init(time: 0, event: false), dropout: false, effects: [.init(time: 3, event: false)]),
    ]

    @Test("Judging a course", arguments: cases)
    func judge(_ c: Case) {
        let outcome = CourseOutcome.judge(sessions: c.sessions, plannedSessions: c.planned, phq9: c.phq9, madrs: c.madrs, policy: .defaults)
        #expect(outcome.exclusion == c.exclusion)
        #expect(outcome.instrument == c.instrument)
        #expect(outcome.isResponse == c.response)
        #expect(outcome.isRemission == c.remission)
        #expect(outcome.timeToResponse == c.timeToResponse)
        #expect(outcome.sessionsToResponse == c.sessionsToResponse)
        #expect(outcome.timeToRelapse == c.timeToRelapse)
        #expect(outcome.isDropout == c.dropout)
        #expect(outcome.effects == c.effects)
    }

    @Test("Reliable change only when the clinic sets a threshold (none is sourced for PHQ-9 or MADRS)")
    func reliableChange() {
        let sessions = Self.given([0, 2])
        let phq9 = Self.ratings([(0, 20), (7, 13)])
        #expect(CourseOutcome.judge(sessions: sessions, plannedSessions: 2, phq9: phq9, madrs: [], policy: .defaults).reliableChange == nil)
        let policy = OutcomePolicy(reliableChangePoints: 6)
        #expect(CourseOutcome.judge(sessions: sessions, plannedSessions: 2, phq9: phq9, madrs: [], policy: policy).reliableChange == .improved)
    }

    static func record(_ treatment: Treatment, _ outcome: CourseOutcome, start: CalendarDate = start, sex: SexAtBirth = .female) -> CourseOutcomeRecord {
        CourseOutcomeRecord(courseID: UUID(), patientID: UUID(),
                            keys: CourseCohortKeys(clinicID: clinic, start: start, treatment: treatment,
                                                   protocolID: treatment == .esketamine ? "esketamine-us" : "iv-ketamine-standard",
                                                   diagnosis: "F33", trdStage: "moderate", ageBand: .from35to44, sex: sex),
                            outcome: outcome)
    }
    static let clinic = UUID()

    @Test("A report from records: n, exclusions with reasons, rates, benchmarks flagged only when the whole interval is below")
    func assemble() throws {
        let responder = CourseOutcome.judge(sessions: Self.given([0, 3, 7]), plannedSessions: 3, phq9: Self.ratings([(0, 20), (10, 6)]),
                                            madrs: [], policy: .defaults)
        let nonResponder = CourseOutcome.judge(sessions: Self.given([0, 3, 7]), plannedSessions: 3, phq9: Self.ratings([(0, 20), (10, 18)]),
                                               madrs: [], policy: .defaults)
        let unmeasured = CourseOutcome.judge(sessions: Self.given([0]), plannedSessions: 3, phq9: [], madrs: [], policy: .defaults)
        // IV: 2 responders of 20 counted (10%, Wilson upper ≈ 30%, below every IV response benchmark ≥ 50.8%);
        // esketamine: 15 of 20 (75%) — above all its benchmarks, never flagged.
        var records = (0..<2).map { _ in Self.record(.ivKetamine, responder) } + (0..<18).map { _ in Self.record(.ivKetamine, nonResponder) }
        records += (0..<15).map { _ in Self.record(.esketamine, responder) } + (0..<5).map { _ in Self.record(.esketamine, nonResponder) }
        records += (0..<3).map { _ in Self.record(.ivKetamine, unmeasured) }
        records.append(Self.record(.ivKetamine, responder, start: Self.start.adding(days: 400)))      // outside the period
        let filter = OutcomeCohortFilter(from: Self.start.adding(days: -10), to: Self.start.adding(days: 10))
        let report = OutcomeReport.assemble(filter: filter, aggregates: OutcomeAggregates(records: records, filter: filter),
                                            safety: SafetyMeasures())
        #expect(report.overall.courses == 43)
        #expect(report.overall.excluded == [.noBaseline: 3])
        #expect(report.overall.included == 40)
        #expect(report.overall.responses == 17)
        let iv = try #require(report.breakdowns.first { $0.dimension == .treatment }?.rows.first { $0.value == "iv-ketamine" })
        #expect(iv.tally.courses == 23 && iv.tally.included == 20 && iv.tally.responses == 2)
        let ivFlags = iv.benchmarks.filter { $0.benchmark.measure == "response" }
        #expect(!ivFlags.isEmpty && ivFlags.allSatisfy { $0.isBelow })
        let esketamine = try #require(report.breakdowns.first { $0.dimension == .treatment }?.rows.first { $0.value == "esketamine" })
        #expect(esketamine.benchmarks.filter { $0.benchmark.measure == "response" }.allSatisfy { !$0.isBelow })
        #expect(esketamine.benchmarks.filter { $0.benchmark.measure == "remission" && $0.benchmark.flaggable }.allSatisfy { $0.isBelow },
                "PHQ-9 6 is not remission (< 5): 0 of 20, far below")
        #expect(report.waterfall == [WaterfallBin(percent: -10, courses: 23), WaterfallBin(percent: -70, courses: 17)])
        #expect(report.timeToResponse.curve.subjects == 40 && report.timeToResponse.curve.events == 17)
        #expect(report.comparison.first.subjects == 2 && report.comparison.second.subjects == 15)
        #expect(report.sessionsToResponse.median == 3)
        #expect(!report.isEmpty)
        // Every rate measure the catalogue names has its definition and a source.
        for measure in ["response", "remission", "relapse", "dropout", "time-to-response", "duration-of-effect"] {
            let definition = try #require(OutcomeMeasureDefinition.all.first { $0.id == measure })
            #expect(!definition.source.isEmpty)
        }
    }

    @Test("An empty cohort is reported as empty, not as a zero rate")
    func emptyCohort() {
        let filter = OutcomeCohortFilter(from: Self.start, to: Self.start)
        let report = OutcomeReport.assemble(filter: filter, aggregates: OutcomeAggregates(), safety: SafetyMeasures())
        #expect(report.isEmpty)
        #expect(report.overall.responseRate.value == nil)
    }

    @Test("Filter parsing: an inverted range, an unknown protocol and bad values each name their field")
    func parsing() throws {
        let today = CalendarDate(year: 2026, month: 12, day: 6)!
        let protocols = ["iv-ketamine-standard", "esketamine-us"]
        let parsed = try OutcomeCohortFilter.parse(["from": "2026-01-01", "to": "2026-06-30", "treatment": "esketamine", "sex": "female",
                                                    "ageBand": "65+", "compare": "sex", "first": "female", "second": "male"],
                                                   knownProtocols: protocols, today: today)
        #expect(parsed.treatment == .esketamine && parsed.sex == .female && parsed.ageBand == .from65)
        #expect(parsed.comparison == CohortComparison(dimension: .sex, first: "female", second: "male"))
        #expect(try OutcomeCohortFilter.parse([:], knownProtocols: protocols, today: today) == .lastYear(today: today))
        let bad: [([String: String], String)] = [
            (["from": "2026-06-30", "to": "2026-01-01"], "from"),
            (["protocol": "iv-ketamine-fast"], "protocol"),
            (["from": "30/06/2026"], "from"),
            (["treatment": "lsd"], "treatment"),
            (["ageBand": "40-50"], "ageBand"),
            (["from": "1900-01-01", "to": "2026-01-01"], "to"),
            (["compare": "sex", "first": "female"], "second"),
            (["compare": "start-month", "first": "a", "second": "b"], "compare"),
            (["dischargeDelayMinutes": "9999999999999999999999"], "dischargeDelayMinutes"),
        ]
        for (fields, field) in bad {
            do {
                _ = try OutcomeCohortFilter.parse(fields, knownProtocols: protocols, today: today)
                Issue.record("expected an error for \(fields)")
            } catch {
                #expect(error[field] != nil, "\(fields)")
            }
        }
    }

    @Test("Patient courses: a superseding plan joins its course; ratings split at the next course's start")
    func patientCourses() throws {
        // Covered end to end by the storage suite, which signs real plans; here the age band and diagnosis keys.
        #expect(AgeBand(age: 17) == .under18 && AgeBand(age: 18) == .from18to24 && AgeBand(age: 64) == .from55to64 && AgeBand(age: 65) == .from65)
        #expect(PatientCourses.diagnosisKey([Diagnosis(icd10: "F33.2")]) == "F33")
        #expect(PatientCourses.diagnosisKey([]) == "none")
    }
}
