/// Why a course is left out of the clinic's outcome figures. Every figure shows how many were left
/// out and why, so a good rate cannot hide a course that was never measured.
public enum CourseExclusion: String, Equatable, Sendable, Codable, CaseIterable {
    /// No session of the course was given (all cancelled, no-shows, or still to come).
    case noSessionGiven = "no-session-given"
    /// No PHQ-9 or MADRS in the baseline window before the first session given.
    case noBaseline = "no-baseline"
    /// A baseline, but no rating after it: nothing to measure a change with.
    case tooFewAssessments = "too-few-assessments"

    /// Words for people.
    public var label: String {
        switch self {
        case .noSessionGiven: "No session given"
        case .noBaseline: "No baseline rating"
        case .tooFewAssessments: "Too few assessments (none after baseline)"
        }
    }
}

/// One session of a course as the outcome figures need it: its day and where it stands.
public struct CourseSessionFact: Equatable, Sendable, Codable {
    /// The session's day.
    public let date: CalendarDate
    /// Its state.
    public let state: TreatmentSessionState

    /// A session fact.
    public init(date: CalendarDate, state: TreatmentSessionState) {
        self.date = date
        self.state = state
    }

    /// A dose was given: the session reached discharge, or was stopped after it began.
    public var wasGiven: Bool { state == .discharged || state == .stoppedEarly }
    /// The session is still to happen or under way.
    public var isPending: Bool { !wasGiven && state != .cancelled && state != .noShow }
}

/// What one course shows, judged once from its sessions and ratings: the per-course row the
/// clinic's outcome report adds up (docs/outcomes.md, "Clinic outcomes").
public struct CourseOutcome: Equatable, Sendable, Codable {
    /// Why the course is left out, or nil when it counts.
    public let exclusion: CourseExclusion?
    /// The instrument the course is judged on: PHQ-9 when it has a baseline, else MADRS.
    public let instrument: InstrumentID?
    /// Sessions given.
    public let sessionsGiven: Int
    /// The baseline total.
    public let baseline: Int?
    /// The endpoint total: the last rating up to ``endpointWindowDays`` after the last session
    /// given (the first after the baseline when none falls in that window).
    public let latest: Int?
    /// (latest − baseline) × 100 / baseline; nil when the baseline is 0.
    public let percentChange: Double?
    /// Response at the endpoint: ≥50% fall from baseline [R55-ELEKT][R55-SUS3].
    public let isResponse: Bool
    /// Remission at the endpoint: PHQ-9 < 5, MADRS ≤ 10 [R55-ESC][R55-KetECT].
    public let isRemission: Bool
    /// Reliable change at the endpoint, when the clinic has set a threshold (the reference has
    /// none for PHQ-9 or MADRS: NOT FOUND, clinic policy).
    public let reliableChange: ReliableChange?
    /// Days from the first session given to the first rating that met the response rule, or to the
    /// last rating (censored) when none did.
    public let timeToResponse: SurvivalObservation?
    /// Sessions given before the day of the first response.
    public let sessionsToResponse: Int?
    /// Days from the first response to the confirmed relapse, or to the last rating (censored).
    /// Nil when the course never responded.
    public let timeToRelapse: SurvivalObservation?
    /// The course stopped before its planned sessions were given: none is still to come, fewer
    /// than planned were given, and the last one was not (a single missed session is not a dropout).
    public let isDropout: Bool
    /// The duration of each dose's effect: ended doses are events, ongoing ones censored.
    public let effects: [SurvivalObservation]

    /// Judges a course.
    ///
    /// - Parameters:
    ///   - sessions: every session of the course, any order.
    ///   - plannedSessions: how many the signed plan scheduled.
    ///   - phq9, madrs: the patient's ratings that belong to this course (from the baseline window
    ///     up to the next course), any order.
    ///   - baselineWindowDays: how far before the first session a rating still counts as the
    ///     baseline (``baselineWindowDays`` by default).
    ///   - policy: the clinic's response, relapse and end-of-effect rules.
    public static func judge(sessions: [CourseSessionFact], plannedSessions: Int, phq9: [ScoreObservation],
                             madrs: [ScoreObservation], baselineWindowDays: Int = baselineWindowDays, policy: OutcomePolicy) -> CourseOutcome {
        let given = sessions.filter(\.wasGiven).map(\.date).sorted()
        let pending = sessions.contains(where: \.isPending)
        let lastScheduled = sessions.max { $0.date < $1.date }
        let dropout = !pending && given.count < plannedSessions && !(lastScheduled?.wasGiven ?? false)
        guard let first = given.first else {
            return excluded(.noSessionGiven, given: 0, dropout: dropout)
        }
        let earliest = first.dayNumber - max(0, baselineWindowDays)
        func baseline(_ series: [ScoreObservation]) -> (Int, [ScoreObservation])? {
            let sorted = OutcomeAnalysis.normalised(series)
            guard let index = sorted.lastIndex(where: { $0.date <= first && $0.date.dayNumber >= earliest }) else { return nil }
            return (index, sorted)
        }
        let chosen: (InstrumentID, Int, [ScoreObservation])? = if let (index, series) = baseline(phq9) {
            (.phq9, index, series)
        } else if let (index, series) = baseline(madrs) {
            (.madrs, index, series)
        } else { nil }
        guard let (instrument, baselineIndex, series) = chosen else {
            return excluded(.noBaseline, given: given.count, dropout: dropout)
        }
        let base = series[baselineIndex]
        let after = Array(series[(baselineIndex + 1)...])
        // The endpoint: the last rating up to `endpointWindowDays` after the last session given
        // (the first rating after the baseline when none falls in that window).
        let endpointLimit = given.last!.dayNumber + Self.endpointWindowDays
        guard let latest = after.last(where: { $0.date.dayNumber <= endpointLimit }) ?? after.first else {
            return CourseOutcome(exclusion: .tooFewAssessments, instrument: instrument, sessionsGiven: given.count,
                                 baseline: base.total, latest: nil, percentChange: nil, isResponse: false,
                                 isRemission: false, reliableChange: nil, timeToResponse: nil, sessionsToResponse: nil,
                                 timeToRelapse: nil, isDropout: dropout, effects: [])
        }
        let responds = { (observation: ScoreObservation) -> Bool in
            base.total > 0 && OutcomeAnalysis.isResponse(observation.total, baseline: base.total, fraction: policy.responseFraction)
        }
        // PHQ-9 < 5 (≤ 4); MADRS ≤ 10 [R55-ESC][R55-KetECT]: the instruments' own thresholds.
        let remissionAtOrBelow = (instrument == .phq9 ? Instrument.phq9 : Instrument.madrs).remissionAtOrBelow ?? 0
        let percent = base.total == 0 ? nil : Double((latest.total - base.total) * 100) / Double(base.total)
        var reliable: ReliableChange?
        if let points = policy.reliableChangePoints {
            let change = latest.total - base.total
            reliable = change <= -points ? .improved : change >= points ? .deteriorated : .noReliableChange
        }
        let firstResponse = after.first(where: responds)
        let lastRating = after.last!
        let timeToResponse: SurvivalObservation = if let firstResponse {
            SurvivalObservation(time: Double(firstResponse.date.dayNumber - first.dayNumber), event: true)
        } else {
            SurvivalObservation(time: Double(max(0, lastRating.date.dayNumber - first.dayNumber)), event: false)
        }
        var timeToRelapse: SurvivalObservation?
        var sessionsToResponse: Int?
        if let firstResponse {
            sessionsToResponse = given.filter { $0 < firstResponse.date }.count
            let relapses = OutcomeAnalysis.relapseDates(after, baseline: base.total, policy: policy, responds: responds)
            if let relapse = relapses.first {
                timeToRelapse = SurvivalObservation(time: Double(relapse.dayNumber - firstResponse.date.dayNumber), event: true)
            } else {
                timeToRelapse = SurvivalObservation(time: Double(lastRating.date.dayNumber - firstResponse.date.dayNumber), event: false)
            }
        }
        let effects = OutcomeAnalysis.effectSurvival(
            OutcomeAnalysis.effectDurations(series, doses: given, baseline: base, policy: policy))
        return CourseOutcome(exclusion: nil, instrument: instrument, sessionsGiven: given.count, baseline: base.total,
                             latest: latest.total, percentChange: percent, isResponse: responds(latest),
                             isRemission: latest.total <= remissionAtOrBelow, reliableChange: reliable,
                             timeToResponse: timeToResponse, sessionsToResponse: sessionsToResponse,
                             timeToRelapse: timeToRelapse, isDropout: dropout, effects: effects)
    }

    /// How far before the first session a rating still counts as the baseline: 30 days (clinic
    /// policy; the reference gives no number). An older rating describes another time.
    public static let baselineWindowDays = 30

    /// The endpoint is the last rating up to 7 days after the last session given (clinic policy:
    /// the trials rate at the end of the acute course, e.g. day 28 [R55-T2] or 3 weeks [R55-ELEKT];
    /// the reference has no window for a clinic). Later ratings count for relapse, not response.
    public static let endpointWindowDays = 7

    static func excluded(_ reason: CourseExclusion, given: Int, dropout: Bool) -> CourseOutcome {
        CourseOutcome(exclusion: reason, instrument: nil, sessionsGiven: given, baseline: nil, latest: nil, percentChange: nil,
                      isResponse: false, isRemission: false, reliableChange: nil, timeToResponse: nil,
                      sessionsToResponse: nil, timeToRelapse: nil, isDropout: dropout, effects: [])
    }

    /// A course outcome from its parts (storage reads it back this way).
    public init(exclusion: CourseExclusion?, instrument: InstrumentID?, sessionsGiven: Int, baseline: Int?, latest: Int?,
                percentChange: Double?, isResponse: Bool, isRemission: Bool, reliableChange: ReliableChange?,
                timeToResponse: SurvivalObservation?, sessionsToResponse: Int?, timeToRelapse: SurvivalObservation?,
                isDropout: Bool, effects: [SurvivalObservation]) {
        self.exclusion = exclusion
        self.instrument = instrument
        self.sessionsGiven = sessionsGiven
        self.baseline = baseline
        self.latest = latest
        self.percentChange = percentChange
        self.isResponse = isResponse
        self.isRemission = isRemission
        self.reliableChange = reliableChange
        self.timeToResponse = timeToResponse
        self.sessionsToResponse = sessionsToResponse
        self.timeToRelapse = timeToRelapse
        self.isDropout = isDropout
        self.effects = effects
    }
}
