@testable import ClinicDomain
import Foundation
import Testing

/// Kaplan–Meier, Greenwood, log-rank and Wilson vectors with published or hand-checked values.
///
/// - [X1] The 6-MP arm of the Freireich leukaemia trial (Gehan 1965), the textbook example of
///   Klein & Moeschberger, "Survival Analysis", Table 4.1A: S(t) and Greenwood standard errors.
///   Each S(t) is checked by hand below.
/// - [X4] The same data, 6-MP against placebo: log-rank χ² = 16.79294, p = 4.168809e-05
///   (fastlogranktest documentation, https://rdrr.io/cran/fastlogranktest/man/logrank_test.html).
/// - [X7] Newcombe 1998 (Statistics in Medicine 17:857), Table II, method 3 (Wilson score).
@Suite("Survival analysis")
struct SurvivalAnalysisTests {
    static let sixMP: [SurvivalObservation] = zip([6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35],
                                                  [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])
        .map { SurvivalObservation(time: Double($0.0), event: $0.1 == 1) }
    static let placebo: [SurvivalObservation] = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
        .map { SurvivalObservation(time: Double($0), event: true) }

    struct Row: Sendable {
        let time: Double, atRisk: Int, events: Int, survival: Double, standardError: Double
    }

    /// [X1] Klein & Moeschberger Table 4.1A. By hand: 18/21 = 0.857; × 16/17 = 0.807; × 14/15 = 0.753;
    /// × 11/12 = 0.690; × 10/11 = 0.627; × 6/7 = 0.538; × 5/6 = 0.448.
    static let sixMPTable: [Row] = [
        Row(time: 6, atRisk: 21, events: 3, survival: 0.857, standardError: 0.0764),
        Row(time: 7, atRisk: 17, events: 1, survival: 0.807, standardError: 0.0869),
        Row(time: 10, atRisk: 15, events: 1, survival: 0.753, standardError: 0.0963),
        Row(time: 13, atRisk: 12, events: 1, survival: 0.690, standardError: 0.1068),
        Row(time: 16, atRisk: 11, events: 1, survival: 0.627, standardError: 0.1141),
        Row(time: 22, atRisk: 7, events: 1, survival: 0.538, standardError: 0.1282),
        Row(time: 23, atRisk: 6, events: 1, survival: 0.448, standardError: 0.1346),
    ]

    @Test("Kaplan–Meier and Greenwood on the 6-MP arm [X1]", arguments: sixMPTable)
    func sixMPSteps(_ row: Row) throws {
        let curve = KaplanMeier.estimate(Self.sixMP)
        let step = try #require(curve.steps.first { $0.time == row.time })
        #expect(step.atRisk == row.atRisk)
        #expect(step.events == row.events)
        #expect(abs(step.survival - row.survival) < 0.0005)
        #expect(abs(step.standardError - row.standardError) < 0.00005)
        #expect(step.lower <= step.survival && step.survival <= step.upper)
        #expect(step.lower >= 0 && step.upper <= 1)
    }

    @Test("The 6-MP curve: 21 subjects, 9 events, median 23 (first S ≤ 0.5), at-risk counts for the table under a plot [X1]")
    func sixMPCurve() {
        let curve = KaplanMeier.estimate(Self.sixMP)
        #expect(curve.subjects == 21)
        #expect(curve.events == 9)
        #expect(curve.median == 23)
        #expect(curve.survival(at: 0) == 1)
        #expect(abs(curve.survival(at: 12) - 0.753) < 0.0005, "between steps the curve holds its value")
        #expect(curve.atRisk(at: 0) == 21)
        #expect(curve.atRisk(at: 20) == 8, "watched to at least day 20: 20, 22, 23, 25, 32, 32, 34, 35")
        #expect(curve.atRisk(at: 36) == 0)
        // Ties: a censoring at 6 counts as at risk at 6 (events first), so the first step is 18/21, not 18/20.
        #expect(abs(curve.steps[0].survival - 18.0 / 21) < 1e-12)
    }

    @Test("Grouped counts give the same curve as the individual observations")
    func groupedCounts() {
        let grouped = KaplanMeier.estimate(counts: [SurvivalCount(time: 6, events: 3, censored: 1), SurvivalCount(time: 7, events: 1, censored: 0),
                                                    SurvivalCount(time: 9, events: 0, censored: 1), SurvivalCount(time: 10, events: 1, censored: 1),
                                                    SurvivalCount(time: 11, events: 0, censored: 1), SurvivalCount(time: 13, events: 1, censored: 0),
                                                    SurvivalCount(time: 16, events: 1, censored: 0), SurvivalCount(time: 17, events: 0, censored: 1),
                                                    SurvivalCount(time: 19, events: 0, censored: 1), SurvivalCount(time: 20, events: 0, censored: 1),
                                                    SurvivalCount(time: 22, events: 1, censored: 0), SurvivalCount(time: 23, events: 1, censored: 0),
                                                    SurvivalCount(time: 25, events: 0, censored: 1), SurvivalCount(time: 32, events: 0, censored: 2),
                                                    SurvivalCount(time: 34, events: 0, censored: 1), SurvivalCount(time: 35, events: 0, censored: 1)])
        #expect(grouped == KaplanMeier.estimate(Self.sixMP))
    }

    struct EdgeCase: Sendable {
        let name: String, observations: [SurvivalObservation], survivalAtEnd: Double, median: Double?, lowerAtEnd: Double, upperAtEnd: Double
    }

    /// Hand-checked edge cases: no data, only censoring, everyone has the event.
    static let edges: [EdgeCase] = [
        EdgeCase(name: "empty", observations: [], survivalAtEnd: 1, median: nil, lowerAtEnd: 1, upperAtEnd: 1),
        EdgeCase(name: "all censored: S stays 1, band [1, 1]",
                 observations: [.init(time: 3, event: false), .init(time: 5, event: false)], survivalAtEnd: 1, median: nil,
                 lowerAtEnd: 1, upperAtEnd: 1),
        EdgeCase(name: "all events: S falls to 0, band [0, 0], median at the first S ≤ 0.5 (2 of 4 → 0.5 at t=2)",
                 observations: [.init(time: 1, event: true), .init(time: 2, event: true), .init(time: 3, event: true), .init(time: 4, event: true)],
                 survivalAtEnd: 0, median: 2, lowerAtEnd: 0, upperAtEnd: 0),
    ]

    @Test("Edge cases draw without dividing by zero", arguments: edges)
    func edgeCases(_ edge: EdgeCase) {
        let curve = KaplanMeier.estimate(edge.observations)
        #expect(curve.survival(at: 100) == edge.survivalAtEnd, "\(edge.name)")
        #expect(curve.median == edge.median, "\(edge.name)")
        let last = curve.steps.last
        #expect((last?.lower ?? 1) == edge.lowerAtEnd, "\(edge.name)")
        #expect((last?.upper ?? 1) == edge.upperAtEnd, "\(edge.name)")
        for step in curve.steps { #expect(step.lower.isFinite && step.upper.isFinite && step.standardError.isFinite) }
    }

    @Test("Non-finite and negative times are left out")
    func badTimes() {
        let curve = KaplanMeier.estimate([.init(time: .nan, event: true), .init(time: -1, event: true), .init(time: .infinity, event: true),
                                          .init(time: 2, event: true)])
        #expect(curve.subjects == 1 && curve.events == 1)
    }

    @Test("Log-rank, 6-MP against placebo: χ² 16.79294, p 4.168809e-05 [X4]")
    func logRankSixMP() throws {
        func counts(_ observations: [SurvivalObservation]) -> [SurvivalCount] {
            observations.map { SurvivalCount(time: $0.time, events: $0.event ? 1 : 0, censored: $0.event ? 0 : 1) }
        }
        let test = try #require(LogRankTest.compare(counts(Self.sixMP), counts(Self.placebo)))
        #expect(abs(test.statistic - 16.79294) < 1e-5)
        #expect(abs(test.pValue - 4.168809e-05) < 1e-10)
        #expect(test.observedFirst == 9 && test.observedSecond == 21)
        #expect(abs(test.expectedFirst + test.expectedSecond - 30) < 1e-9, "expected events add up to the events seen")
        // Symmetric: swapping the groups gives the same statistic.
        let swapped = try #require(LogRankTest.compare(counts(Self.placebo), counts(Self.sixMP)))
        #expect(abs(swapped.statistic - test.statistic) < 1e-9)
    }

    @Test("Log-rank: identical groups give χ² 0 and p 1; an empty group or no events gives no test")
    func logRankEdges() throws {
        let same = [SurvivalCount(time: 3, events: 1, censored: 0), SurvivalCount(time: 5, events: 1, censored: 1)]
        let test = try #require(LogRankTest.compare(same, same))
        #expect(abs(test.statistic) < 1e-12 && abs(test.pValue - 1) < 1e-12)
        #expect(LogRankTest.compare(same, []) == nil)
        #expect(LogRankTest.compare([SurvivalCount(time: 3, events: 0, censored: 2)], [SurvivalCount(time: 4, events: 0, censored: 1)]) == nil)
    }

    struct WilsonVector: Sendable {
        let count: Int, total: Int, lower: Double, upper: Double
    }

    /// [X7] Newcombe 1998, Table II, method 3.
    static let wilson: [WilsonVector] = [
        WilsonVector(count: 81, total: 263, lower: 0.2553, upper: 0.3662),
        WilsonVector(count: 15, total: 148, lower: 0.0624, upper: 0.1605),
        WilsonVector(count: 0, total: 20, lower: 0.0, upper: 0.1611),
        WilsonVector(count: 1, total: 29, lower: 0.0061, upper: 0.1718),
    ]

    @Test("Wilson score interval [X7]", arguments: wilson)
    func wilsonInterval(_ vector: WilsonVector) throws {
        let proportion = Proportion(vector.count, of: vector.total)
        #expect(abs(try #require(proportion.lower) - vector.lower) < 0.00005)
        #expect(abs(try #require(proportion.upper) - vector.upper) < 0.00005)
    }

    @Test("A proportion of nothing has no value; impossible counts have none either")
    func emptyProportion() {
        #expect(Proportion(0, of: 0).value == nil)
        #expect(Proportion(5, of: 3).value == nil)
        #expect(Proportion(-1, of: 3).lower == nil)
    }

    @Test("Day numbers agree with the calendar and round-trip", arguments: [
        (1970, 1, 1, 0), (2000, 3, 1, 11_017), (2024, 2, 29, 19_782), (1969, 12, 31, -1), (2026, 12, 6, 20_793),
    ])
    func dayNumbers(_ year: Int, _ month: Int, _ day: Int, _ number: Int) throws {
        let date = try #require(CalendarDate(year: year, month: month, day: day))
        #expect(date.dayNumber == number)
        #expect(CalendarDate(dayNumber: number) == date)
        #expect(date.adding(days: 400).adding(days: -400) == date)
    }
}
