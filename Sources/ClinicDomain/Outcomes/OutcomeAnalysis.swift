/// Measurement-based-care analytics over one patient's score series on one instrument: pure
/// functions of the observations, the dose dates, the instrument's remission threshold and the
/// clinic's ``OutcomePolicy``. The rules are written out in docs/outcomes.md.
public enum OutcomeAnalysis {
    /// Tolerance for comparing a whole-number total with a fraction of the baseline, so that
    /// exactly 50% counts as a 50% fall whatever the binary rounding of the fraction.
    static let tolerance = 1e-9

    /// The summary of `observations` (any order) for a patient dosed on `doses` (any order).
    ///
    /// - Several observations on one date: the last one in the given order counts (a same-day
    ///   re-rating replaces the earlier one). Several doses on one date count once.
    /// - Baseline: the last observation on or before the first dose date, else the first
    ///   observation.
    /// - Response [R55-ELEKT][R55-SUS3], remission (the instrument's threshold), reliable change
    ///   and relapse (clinic policy): see the properties of ``OutcomeSummary``.
    /// - Duration of effect: see ``effectDurations(_:doses:baseline:policy:)``.
    public static func summarize(_ observations: [ScoreObservation], doses: [CalendarDate], remissionAtOrBelow: Int?,
                                 policy: OutcomePolicy) -> OutcomeSummary {
        let series = normalised(observations)
        let doseDates = Array(Set(doses)).sorted()
        let baselineIndex: Int? = series.isEmpty ? nil : {
            guard let firstDose = doseDates.first else { return 0 }
            return series.lastIndex { $0.date <= firstDose } ?? 0
        }()
        let baseline = baselineIndex.map { series[$0] }
        let latest = series.last
        let afterBaseline = baselineIndex.map { Array(series[($0 + 1)...]) } ?? []

        var change: Int?
        var percent: Double?
        if let baseline, let latest {
            change = latest.total - baseline.total
            percent = baseline.total == 0 ? nil : Double((latest.total - baseline.total) * 100) / Double(baseline.total)
        }

        let responds = { (observation: ScoreObservation) -> Bool in
            guard let baseline, baseline.total > 0 else { return false }
            return isResponse(observation.total, baseline: baseline.total, fraction: policy.responseFraction)
        }
        let firstResponse = afterBaseline.first(where: responds)?.date
        let latestResponds = afterBaseline.last.map(responds) ?? false

        let remission: Bool = {
            guard let latest, let threshold = remissionAtOrBelow else { return false }
            return latest.total <= threshold
        }()

        var reliable: ReliableChange?
        if let points = policy.reliableChangePoints, let change {
            reliable = change <= -points ? .improved : change >= points ? .deteriorated : .noReliableChange
        }

        let relapses = baseline.map { relapseDates(afterBaseline, baseline: $0.total, policy: policy, responds: responds) } ?? []
        let durations = effectDurations(series, doses: doseDates, baseline: baseline, policy: policy)
        return OutcomeSummary(
            baseline: baseline, latest: latest, changeFromBaseline: change, percentChange: percent,
            isResponse: latestResponds, firstResponseDate: firstResponse, isRemission: remission,
            reliableChange: reliable, relapses: relapses, effectDurations: durations,
            medianEffectDays: medianEffect(durations))
    }

    /// Whether `total` is a fall of at least `fraction` from `baseline`: total ≤ (1 − fraction) × baseline.
    static func isResponse(_ total: Int, baseline: Int, fraction: Double) -> Bool {
        Double(total) <= (1 - fraction) * Double(baseline) + tolerance
    }

    /// The observations sorted by date, one per date (the last given for that date).
    static func normalised(_ observations: [ScoreObservation]) -> [ScoreObservation] {
        var byDate: [CalendarDate: ScoreObservation] = [:]
        for observation in observations { byDate[observation.date] = observation }
        return byDate.values.sorted { $0.date < $1.date }
    }

    /// Relapse (clinic policy, ``RelapseRule``): once a response has been seen, a relapse is
    /// confirmed on the date of the `relapseConsecutive`-th consecutive observation above
    /// `relapseFractionOfBaseline` × baseline. After a relapse a new response must be seen
    /// before another relapse can be counted.
    static func relapseDates(_ afterBaseline: [ScoreObservation], baseline: Int, policy: OutcomePolicy,
                             responds: (ScoreObservation) -> Bool) -> [CalendarDate] {
        let rule = policy.relapseRule
        let limit = rule.relapseFractionOfBaseline * Double(baseline)
        var responding = false
        var run = 0
        var dates: [CalendarDate] = []
        for observation in afterBaseline {
            if !responding {
                if responds(observation) { responding = true; run = 0 }
                continue
            }
            if Double(observation.total) > limit + tolerance {
                run += 1
                if run >= max(1, rule.relapseConsecutive) {
                    dates.append(observation.date)
                    responding = false
                    run = 0
                }
            } else {
                run = 0
            }
        }
        return dates
    }

    /// Duration of effect, per dose date d (clinic policy; docs/outcomes.md has a worked example):
    ///
    /// 1. The window is the observations strictly after d and strictly before the next dose date
    ///    (no upper bound after the last dose). An observation on a dose day is left out: dates
    ///    carry no time, so it cannot be placed before or after the dose.
    /// 2. The threshold is `effectEndsAboveScore` when set, else
    ///    `effectEndsAboveFractionOfBaseline` × the baseline total.
    /// 3. The effect must first be seen: an observation in the window at or below the threshold.
    ///    If none is, the status is `notReached` (a dose with no visible effect has no duration).
    /// 4. The effect ends on the first later observation in the window above the threshold;
    ///    days = that date − d (`ended`).
    /// 5. Otherwise the end was not observed (`ongoing`, censored): `censoredAtDays` = the last
    ///    observation in the window − d, a lower bound.
    public static func effectDurations(_ observations: [ScoreObservation], doses: [CalendarDate],
                                       baseline: ScoreObservation?, policy: OutcomePolicy) -> [EffectDuration] {
        let series = normalised(observations)
        let doseDates = Array(Set(doses)).sorted()
        let threshold: Double? = policy.effectEndsAboveScore.map(Double.init)
            ?? baseline.map { policy.effectEndsAboveFractionOfBaseline * Double($0.total) }
        return doseDates.enumerated().map { index, dose in
            let next = index + 1 < doseDates.count ? doseDates[index + 1] : nil
            let window = series.filter { observation in
                observation.date > dose && (next.map { observation.date < $0 } ?? true)
            }
            guard let threshold, let last = window.last else {
                return EffectDuration(doseDate: dose, status: .notObserved, endDate: nil, days: nil, censoredAtDays: nil)
            }
            let above = { (observation: ScoreObservation) in Double(observation.total) > threshold + tolerance }
            guard let onset = window.firstIndex(where: { !above($0) }) else {
                return EffectDuration(doseDate: dose, status: .notReached, endDate: nil, days: nil, censoredAtDays: nil)
            }
            if let end = window[onset...].first(where: above) {
                return EffectDuration(doseDate: dose, status: .ended, endDate: end.date,
                                      days: CalendarDate.daysBetween(dose, end.date), censoredAtDays: nil)
            }
            return EffectDuration(doseDate: dose, status: .ongoing, endDate: nil, days: nil,
                                  censoredAtDays: CalendarDate.daysBetween(dose, last.date))
        }
    }

    /// The effect durations as survival data: an ended dose is an event at its days, an ongoing one
    /// is censored at its last observation; doses with no effect seen or nothing observed are left out.
    public static func effectSurvival(_ durations: [EffectDuration]) -> [SurvivalObservation] {
        durations.compactMap { duration in
            switch duration.status {
            case .ended: duration.days.map { SurvivalObservation(time: Double($0), event: true) }
            case .ongoing: duration.censoredAtDays.map { SurvivalObservation(time: Double($0), event: false) }
            case .notReached, .notObserved: nil
            }
        }
    }

    /// The Kaplan–Meier median duration of effect: ended doses are events, ongoing (censored) doses
    /// count as "lasted at least this long" instead of being dropped, which made the median lean
    /// short. Nil when fewer than half the doses' effects are known to have ended.
    static func medianEffect(_ durations: [EffectDuration]) -> Double? {
        KaplanMeier.estimate(effectSurvival(durations)).median
    }
}
