@testable import ClinicDomain
import Foundation
import Testing

/// Hand-worked outcome examples. Response = a ≥50% fall from baseline [R55-ELEKT][R55-SUS3];
/// remission thresholds are the instrument's (§5.2: MADRS ≤10 [R55-ESC][R55-KetECT], PHQ-9 <5);
/// reliable change for PCL-5 is 5–10 points [R51]; relapse and end of effect are clinic policy.
@Suite("Outcome analysis")
struct OutcomeAnalysisTests {
    /// Day 0 of every example: Monday 5 January 2026.
    private let start = CalendarDate(year: 2026, month: 1, day: 5)!

    private func day(_ offset: Int) -> CalendarDate { start.adding(days: offset) }

    /// Observations from (day, total) pairs.
    private func series(_ points: [(Int, Int)]) -> [ScoreObservation] {
        points.map { ScoreObservation(date: day($0.0), total: $0.1) }
    }

    @Test("Worked example: PHQ-9 baseline 20, doses on days 0, 7, 14 → effect 5 days, 6 days, censored at 6; Kaplan–Meier median 6")
    func workedExample() {
        // Threshold = 0.5 × 20 = 10 (effect present while the total is ≤ 10).
        // Dose day 0:  day 2 → 8 (effect seen), day 5 → 12 (> 10): ended, 5 days.
        // Dose day 7:  day 9 → 6, day 13 → 11 (> 10): ended, 6 days.
        // Dose day 14: day 16 → 7, day 20 → 9: still ≤ 10 at the last observation: censored at 6 days.
        // Kaplan–Meier over {5 ended, 6 ended, 6 censored}: at 5 days 3 at risk, 1 ends → S = 2/3; at 6 days
        // 2 at risk (the censored dose counts as at risk at 6), 1 ends → S = 1/3 ≤ 0.5: the median is 6.
        // Dropping the censored dose (the old rule) gave 5.5, too short.
        let observations = series([(0, 20), (2, 8), (5, 12), (9, 6), (13, 11), (16, 7), (20, 9)])
        let summary = OutcomeAnalysis.summarize(observations, doses: [day(0), day(7), day(14)],
                                                remissionAtOrBelow: 4, policy: .defaults)
        #expect(summary.baseline == ScoreObservation(date: day(0), total: 20))
        #expect(summary.latest == ScoreObservation(date: day(20), total: 9))
        #expect(summary.changeFromBaseline == -11)
        #expect(summary.percentChange == -55)
        #expect(summary.isResponse, "9 ≤ 10")
        #expect(summary.firstResponseDate == day(2))
        #expect(!summary.isRemission, "PHQ-9 remission is < 5")
        #expect(summary.reliableChange == nil, "no reliable-change threshold by default")
        #expect(summary.relapses.isEmpty, "12 and 11 were single observations above 10, never two in a row")
        #expect(summary.effectDurations == [
            EffectDuration(doseDate: day(0), status: .ended, endDate: day(5), days: 5, censoredAtDays: nil),
            EffectDuration(doseDate: day(7), status: .ended, endDate: day(13), days: 6, censoredAtDays: nil),
            EffectDuration(doseDate: day(14), status: .ongoing, endDate: nil, days: nil, censoredAtDays: 6),
        ])
        #expect(summary.medianEffectDays == 6)
    }

    @Test("Response at exactly a 50% fall (20 → 10), not at 45% (20 → 11) nor 49% (MADRS 51 → 26); 51% (51 → 25) is")
    func responseBoundary() {
        func responds(_ baseline: Int, _ latest: Int) -> Bool {
            OutcomeAnalysis.summarize(series([(0, baseline), (14, latest)]), doses: [day(0)], remissionAtOrBelow: nil,
                                      policy: .defaults).isResponse
        }
        #expect(responds(20, 10))
        #expect(!responds(20, 11))
        #expect(!responds(51, 26), "25/51 = 49.0%")
        #expect(responds(51, 25), "26/51 = 51.0%")
        #expect(!responds(0, 0), "no response from a baseline of 0")
        // A 30% response fraction: 20 → 14 is exactly 30%.
        var policy = OutcomePolicy.defaults
        policy.responseFraction = 0.3
        #expect(OutcomeAnalysis.summarize(series([(0, 20), (7, 14)]), doses: [day(0)], remissionAtOrBelow: nil,
                                          policy: policy).isResponse)
    }

    @Test("Response is judged on the latest observation; the first response date stays")
    func responseLost() {
        let summary = OutcomeAnalysis.summarize(series([(0, 30), (7, 14), (14, 20)]), doses: [day(0)],
                                                remissionAtOrBelow: 10, policy: .defaults)
        #expect(!summary.isResponse)
        #expect(summary.firstResponseDate == day(7))
    }

    @Test("Remission at the instrument's threshold: MADRS 10 with ≤10 is remission, 11 is not; no threshold, no remission")
    func remission() {
        func summary(_ latest: Int, _ threshold: Int?) -> OutcomeSummary {
            OutcomeAnalysis.summarize(series([(0, 34), (21, latest)]), doses: [day(0)], remissionAtOrBelow: threshold,
                                      policy: .defaults)
        }
        #expect(summary(10, 10).isRemission)
        #expect(!summary(11, 10).isRemission)
        #expect(summary(12, 12).isRemission, "SUSTAIN-3 uses ≤12 [R55-SUS3]")
        #expect(!summary(3, nil).isRemission)
    }

    @Test("Relapse needs a response first, then 2 consecutive observations above 50% of baseline; then a new response")
    func relapse() {
        // Baseline 20, limit 10. Day 3: 14 (above, but no response yet: not a relapse).
        // Day 7: 8 → response. Day 14: 12 (run 1); day 21: 9 (run reset); day 28: 11 (run 1);
        // day 35: 13 (run 2) → relapse confirmed on day 35. Day 42: 14: no second relapse without
        // a new response. Day 49: 6 → response again; day 56: 15, day 63: 16 → relapse on day 63.
        let observations = series([(0, 20), (3, 14), (7, 8), (14, 12), (21, 9), (28, 11), (35, 13), (42, 14),
                                   (49, 6), (56, 15), (63, 16)])
        let summary = OutcomeAnalysis.summarize(observations, doses: [day(0)], remissionAtOrBelow: nil, policy: .defaults)
        #expect(summary.relapses == [day(35), day(63)])
        #expect(summary.firstResponseDate == day(7))

        // With 1 observation required every rise after a response is a relapse: day 14 (12); day 21
        // (9) is a new response, so day 28 (11) is another; day 49 (6) responds again, day 56 (15) relapses.
        var single = OutcomePolicy.defaults
        single.relapseRule.relapseConsecutive = 1
        let quick = OutcomeAnalysis.summarize(observations, doses: [day(0)], remissionAtOrBelow: nil, policy: single)
        #expect(quick.relapses == [day(14), day(28), day(56)])

        // A score back at exactly 50% of baseline is not above it.
        let edge = OutcomeAnalysis.summarize(series([(0, 20), (7, 6), (14, 10), (21, 10)]), doses: [day(0)],
                                             remissionAtOrBelow: nil, policy: .defaults)
        #expect(edge.relapses.isEmpty)
    }

    @Test("Reliable change both ways at a PCL-5 threshold of 5 points [R51]; nil when the policy sets none")
    func reliableChange() {
        var policy = OutcomePolicy.defaults
        policy.reliableChangePoints = 5
        #expect(OutcomePolicy.pcl5ReliableChangeRange.contains(5))
        func change(_ latest: Int, _ policy: OutcomePolicy) -> ReliableChange? {
            OutcomeAnalysis.summarize(series([(0, 50), (28, latest)]), doses: [day(0)], remissionAtOrBelow: nil,
                                      policy: policy).reliableChange
        }
        #expect(change(45, policy) == .improved, "a fall of exactly 5")
        #expect(change(46, policy) == .noReliableChange)
        #expect(change(54, policy) == .noReliableChange)
        #expect(change(55, policy) == .deteriorated)
        #expect(change(30, .defaults) == nil)
    }

    @Test("An empty series: no baseline, nothing computed, every dose not observed")
    func emptySeries() {
        let summary = OutcomeAnalysis.summarize([], doses: [day(0), day(7)], remissionAtOrBelow: 4, policy: .defaults)
        #expect(summary.baseline == nil && summary.latest == nil)
        #expect(summary.changeFromBaseline == nil && summary.percentChange == nil)
        #expect(!summary.isResponse && !summary.isRemission && summary.firstResponseDate == nil)
        #expect(summary.reliableChange == nil && summary.relapses.isEmpty)
        #expect(summary.effectDurations.map(\.status) == [.notObserved, .notObserved])
        #expect(summary.medianEffectDays == nil)

        let nothing = OutcomeAnalysis.summarize([], doses: [], remissionAtOrBelow: nil, policy: .defaults)
        #expect(nothing.effectDurations.isEmpty && nothing.baseline == nil)
    }

    @Test("A single observation is its own baseline and latest: no change, no response")
    func singleObservation() {
        let summary = OutcomeAnalysis.summarize(series([(0, 18)]), doses: [day(0)], remissionAtOrBelow: 4,
                                                policy: OutcomePolicy(reliableChangePoints: 5))
        #expect(summary.baseline == summary.latest)
        #expect(summary.changeFromBaseline == 0 && summary.percentChange == 0)
        #expect(!summary.isResponse && summary.reliableChange == .noReliableChange)
        #expect(summary.effectDurations.map(\.status) == [.notObserved], "an observation on the dose day is not after it")
    }

    @Test("Baseline: the last observation on or before the first dose; else the first; same-day re-rating replaces")
    func baselineChoice() {
        let before = series([(-14, 22), (-2, 19), (0, 18), (3, 9)])
        #expect(OutcomeAnalysis.summarize(before, doses: [day(7), day(0)], remissionAtOrBelow: nil, policy: .defaults)
            .baseline == ScoreObservation(date: day(0), total: 18), "on the first dose day; dose order does not matter")
        let noSameDay = series([(-14, 22), (-2, 19), (3, 9)])
        #expect(OutcomeAnalysis.summarize(noSameDay, doses: [day(0)], remissionAtOrBelow: nil, policy: .defaults)
            .baseline == ScoreObservation(date: day(-2), total: 19))
        let allAfter = series([(5, 16), (2, 21), (9, 12)])  // out of order on purpose
        let afterSummary = OutcomeAnalysis.summarize(allAfter, doses: [day(0)], remissionAtOrBelow: nil, policy: .defaults)
        #expect(afterSummary.baseline == ScoreObservation(date: day(2), total: 21))
        #expect(afterSummary.latest == ScoreObservation(date: day(9), total: 12))
        #expect(OutcomeAnalysis.summarize(allAfter, doses: [], remissionAtOrBelow: nil, policy: .defaults)
            .baseline?.date == day(2), "no doses: the first observation")
        let rerated = series([(0, 20), (0, 24), (7, 12)])
        #expect(OutcomeAnalysis.summarize(rerated, doses: [day(0)], remissionAtOrBelow: nil, policy: .defaults)
            .baseline?.total == 24, "the later rating of the same day counts")
    }

    @Test("Percent change is nil from a baseline of 0")
    func zeroBaseline() {
        let summary = OutcomeAnalysis.summarize(series([(0, 0), (7, 3)]), doses: [day(0)], remissionAtOrBelow: 4,
                                                policy: .defaults)
        #expect(summary.changeFromBaseline == 3 && summary.percentChange == nil)
        #expect(!summary.isResponse && summary.relapses.isEmpty)
    }

    @Test("Duration of effect: an absolute threshold wins over the fraction; a dose with no effect seen is not reached")
    func effectThresholds() {
        // Baseline 20. With the fraction (10): day 2 → 12 is already above, day 4 → 13: no effect seen.
        // With an absolute threshold of 14: day 2 → 12 and day 4 → 13 are within it, day 6 → 15 ends it.
        let observations = series([(0, 20), (2, 12), (4, 13), (6, 15)])
        let byFraction = OutcomeAnalysis.summarize(observations, doses: [day(0)], remissionAtOrBelow: nil, policy: .defaults)
        #expect(byFraction.effectDurations == [
            EffectDuration(doseDate: day(0), status: .notReached, endDate: nil, days: nil, censoredAtDays: nil),
        ])
        #expect(byFraction.medianEffectDays == nil)
        let absolute = OutcomeAnalysis.summarize(observations, doses: [day(0)], remissionAtOrBelow: nil,
                                                 policy: OutcomePolicy(effectEndsAboveScore: 14))
        #expect(absolute.effectDurations.first?.days == 6 && absolute.effectDurations.first?.endDate == day(6))
    }

    @Test("Duration of effect: onset may come later in the window; an observation on the next dose day belongs to no window")
    func effectWindow() {
        // Doses days 0 and 10; threshold 10. Dose 0: day 1 → 12 (above, effect not yet seen),
        // day 3 → 8 (seen), day 8 → 11 → ended at 8 days. Day 10 → 14 is on the next dose day: in
        // neither window. Dose 10: day 12 → 9, nothing after → ongoing, censored at 2 days.
        let observations = series([(0, 20), (1, 12), (3, 8), (8, 11), (10, 14), (12, 9)])
        let durations = OutcomeAnalysis.summarize(observations, doses: [day(0), day(10)], remissionAtOrBelow: nil,
                                                  policy: .defaults).effectDurations
        #expect(durations == [
            EffectDuration(doseDate: day(0), status: .ended, endDate: day(8), days: 8, censoredAtDays: nil),
            EffectDuration(doseDate: day(10), status: .ongoing, endDate: nil, days: nil, censoredAtDays: 2),
        ])
    }

    @Test("Kaplan–Meier median of effect: all ended → the middle one; censored doses count as at risk, not dropped")
    func effectMedian() {
        func ended(_ days: Int) -> EffectDuration {
            EffectDuration(doseDate: day(0), status: .ended, endDate: day(days), days: days, censoredAtDays: nil)
        }
        func ongoing(_ days: Int) -> EffectDuration {
            EffectDuration(doseDate: day(0), status: .ongoing, endDate: nil, days: nil, censoredAtDays: days)
        }
        // No censoring: S falls by 1/3 at 3, 5, 7 → first S ≤ 0.5 at 5 (the middle one).
        #expect(OutcomeAnalysis.medianEffect([ended(7), ended(3), ended(5)]) == 5)
        #expect(OutcomeAnalysis.medianEffect([ended(4)]) == 4)
        #expect(OutcomeAnalysis.medianEffect([]) == nil)
        // One end at 3 and three doses still in effect at 10: S(3) = 3/4, never ≤ 0.5 → not yet known.
        // Dropping the censored doses would have called it 3 days.
        #expect(OutcomeAnalysis.medianEffect([ended(3), ongoing(10), ongoing(10), ongoing(10)]) == nil)
        // A dose censored at 2 leaves the risk set before the end at 4: S(4) = 1 × (1 − 1/2) = 0.5 → 4.
        #expect(OutcomeAnalysis.medianEffect([ongoing(2), ended(4), ended(6)]) == 4)
        // Not reached and not observed doses are left out of the survival data altogether.
        let none = EffectDuration(doseDate: day(0), status: .notReached, endDate: nil, days: nil, censoredAtDays: nil)
        #expect(OutcomeAnalysis.effectSurvival([none, ended(5), ongoing(6)])
                == [SurvivalObservation(time: 5, event: true), SurvivalObservation(time: 6, event: false)])
    }

    @Test("Policy: the defaults validate; out-of-range values name their fields")
    func policyValidation() throws {
        #expect(try OutcomePolicy.defaults.validated() == OutcomePolicy.defaults)
        #expect(OutcomePolicy.defaults.responseFraction == 0.5)
        #expect(OutcomePolicy.defaults.relapseRule == RelapseRule(relapseFractionOfBaseline: 0.5, relapseConsecutive: 2))
        #expect(OutcomePolicy.defaults.reliableChangePoints == nil && OutcomePolicy.defaults.effectEndsAboveScore == nil)
        let bad = OutcomePolicy(responseFraction: 1.5, reliableChangePoints: 0,
                                relapseRule: RelapseRule(relapseFractionOfBaseline: 0, relapseConsecutive: 0),
                                effectEndsAboveFractionOfBaseline: -1, effectEndsAboveScore: 500)
        do {
            _ = try bad.validated()
            Issue.record("expected field errors")
        } catch {
            for field in ["responseFraction", "reliableChangePoints", "relapseFractionOfBaseline", "relapseConsecutive",
                          "effectEndsAboveFractionOfBaseline", "effectEndsAboveScore"] {
                #expect(error[field] != nil, "\(field)")
            }
        }
    }

    @Test("The policy and the summary round-trip through JSON")
    func coding() throws {
        let policy = OutcomePolicy(reliableChangePoints: 7, effectEndsAboveScore: 12)
        #expect(try JSONDecoder().decode(OutcomePolicy.self, from: JSONEncoder().encode(policy)) == policy)
        let summary = OutcomeAnalysis.summarize(series([(0, 20), (2, 8), (5, 12)]), doses: [day(0)],
                                                remissionAtOrBelow: 4, policy: policy)
        #expect(try JSONDecoder().decode(OutcomeSummary.self, from: JSONEncoder().encode(summary)) == summary)
    }
}
