/// What a patient's score series shows under an ``OutcomePolicy``: baseline and latest, change,
/// response, remission, reliable change, relapses and how long each dose's effect lasted.
/// Built by ``OutcomeAnalysis/summarize(_:doses:remissionAtOrBelow:policy:)``.
public struct OutcomeSummary: Equatable, Sendable, Codable {
    /// The last observation on or before the first dose date, or the first observation when none
    /// comes before it (or when there are no doses). Nil without observations.
    public let baseline: ScoreObservation?
    /// The most recent observation.
    public let latest: ScoreObservation?
    /// Latest minus baseline, in points (negative = fewer symptoms).
    public let changeFromBaseline: Int?
    /// The change as a percentage of the baseline total; nil when the baseline total is 0.
    public let percentChange: Double?
    /// The latest total is at most (1 − responseFraction) × baseline: a ≥50% fall by default
    /// [R55-ELEKT][R55-SUS3]. Needs a baseline above 0 and an observation after it.
    public let isResponse: Bool
    /// The first observation after the baseline that met the response rule.
    public let firstResponseDate: CalendarDate?
    /// The latest total is at or below the instrument's remission threshold, passed by the caller:
    /// MADRS ≤10 [R55-ESC][R55-KetECT] or ≤12 [R55-SUS3], PHQ-9 <5 (i.e. ≤4), QIDS-SR16 ≤5 [R44],
    /// HAM-D17 ≤7 [R46]. False when no threshold is given.
    public let isRemission: Bool
    /// Reliable change between baseline and latest, when the policy sets a threshold; nil otherwise.
    public let reliableChange: ReliableChange?
    /// The dates on which a relapse after a response was confirmed.
    public let relapses: [CalendarDate]
    /// How long each dose's effect lasted, one entry per dose date in order.
    public let effectDurations: [EffectDuration]
    /// The Kaplan–Meier median duration of effect: the first time at which the estimated share of
    /// doses still in effect is at or below one half. Ended doses are events, ongoing doses are
    /// censored at their last observation (not dropped). Nil when the curve never falls to one
    /// half (see docs/outcomes.md).
    public let medianEffectDays: Double?

    /// A summary from its parts (the analysis builds it; tests and storage may too).
    public init(baseline: ScoreObservation?, latest: ScoreObservation?, changeFromBaseline: Int?,
                percentChange: Double?, isResponse: Bool, firstResponseDate: CalendarDate?, isRemission: Bool,
                reliableChange: ReliableChange?, relapses: [CalendarDate], effectDurations: [EffectDuration],
                medianEffectDays: Double?) {
        self.baseline = baseline
        self.latest = latest
        self.changeFromBaseline = changeFromBaseline
        self.percentChange = percentChange
        self.isResponse = isResponse
        self.firstResponseDate = firstResponseDate
        self.isRemission = isRemission
        self.reliableChange = reliableChange
        self.relapses = relapses
        self.effectDurations = effectDurations
        self.medianEffectDays = medianEffectDays
    }
}

/// The direction of a change at least as large as the policy's reliable-change threshold.
public enum ReliableChange: String, Equatable, Sendable, Codable, CaseIterable {
    /// The total fell by at least the threshold.
    case improved
    /// The total rose by at least the threshold.
    case deteriorated
    /// The change is smaller than the threshold either way.
    case noReliableChange

    /// Words for people.
    public var label: String {
        switch self {
        case .improved: "Reliable improvement"
        case .deteriorated: "Reliable deterioration"
        case .noReliableChange: "No reliable change"
        }
    }
}

/// How long one dose's effect lasted, judged from the observations between it and the next dose.
public struct EffectDuration: Equatable, Sendable, Codable {
    /// What the observations after the dose show.
    public enum Status: String, CaseIterable, Equatable, Sendable, Codable {
        /// The total was at or below the threshold and then rose above it: the end was observed.
        case ended
        /// The total stayed at or below the threshold up to the last observation before the next
        /// dose (or up to the latest): censored, the end was not observed.
        case ongoing
        /// No observation after the dose was at or below the threshold: no effect was seen, so
        /// there is no duration to measure.
        case notReached
        /// No observation between this dose and the next (or no baseline to set a threshold).
        case notObserved
    }

    /// The day the dose was given.
    public let doseDate: CalendarDate
    /// What the observations show.
    public let status: Status
    /// The first observation above the threshold after the effect was seen, before the next dose;
    /// nil unless ``status`` is ``Status/ended``.
    public let endDate: CalendarDate?
    /// Days from the dose to ``endDate``.
    public let days: Int?
    /// When the end was not observed (``Status/ongoing``): days from the dose to the last
    /// observation before the next dose, a lower bound for the duration.
    public let censoredAtDays: Int?

    /// An entry from its parts.
    public init(doseDate: CalendarDate, status: Status, endDate: CalendarDate?, days: Int?, censoredAtDays: Int?) {
        self.doseDate = doseDate
        self.status = status
        self.endDate = endDate
        self.days = days
        self.censoredAtDays = censoredAtDays
    }
}
