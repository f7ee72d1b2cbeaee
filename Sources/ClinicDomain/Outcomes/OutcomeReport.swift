import Foundation

/// Counts over a group of courses: what a database answers with one `GROUP BY`, and what every
/// rate on the outcomes page is made of.
public struct OutcomeTally: Equatable, Sendable, Codable {
    /// Courses that started in the period.
    public var courses = 0
    /// Courses left out, by reason.
    public var excluded: [CourseExclusion: Int] = [:]
    /// Courses counted (not excluded).
    public var included: Int { courses - excluded.values.reduce(0, +) }
    /// Counted courses responding at their endpoint rating.
    public var responses = 0
    /// Counted courses in remission at their endpoint rating.
    public var remissions = 0
    /// Counted courses with a reliable-change judgement (the clinic set a threshold).
    public var reliableAssessed = 0
    /// Of those, reliably improved.
    public var reliableImproved = 0
    /// Counted courses that responded at some rating.
    public var everResponded = 0
    /// Of those, with a confirmed relapse.
    public var relapsed = 0
    /// Courses with a session given that stopped before their planned sessions.
    public var dropouts = 0

    /// An empty tally.
    public init() {}

    /// Courses with at least one session given: the denominator of dropout.
    public var started: Int { courses - (excluded[.noSessionGiven] ?? 0) }

    /// Adds another tally's counts.
    public mutating func add(_ other: OutcomeTally) {
        courses += other.courses
        for (reason, count) in other.excluded { excluded[reason, default: 0] += count }
        responses += other.responses
        remissions += other.remissions
        reliableAssessed += other.reliableAssessed
        reliableImproved += other.reliableImproved
        everResponded += other.everResponded
        relapsed += other.relapsed
        dropouts += other.dropouts
    }

    /// Adds one course.
    public mutating func add(_ outcome: CourseOutcome) {
        courses += 1
        if outcome.sessionsGiven > 0, outcome.isDropout { dropouts += 1 }
        if let reason = outcome.exclusion {
            excluded[reason, default: 0] += 1
            return
        }
        if outcome.isResponse { responses += 1 }
        if outcome.isRemission { remissions += 1 }
        if let reliable = outcome.reliableChange {
            reliableAssessed += 1
            if reliable == .improved { reliableImproved += 1 }
        }
        if let relapse = outcome.timeToRelapse {
            everResponded += 1
            if relapse.event { relapsed += 1 }
        }
    }

    /// Response rate among counted courses [R55-ELEKT][R55-SUS3].
    public var responseRate: Proportion { Proportion(responses, of: included) }
    /// Remission rate among counted courses.
    public var remissionRate: Proportion { Proportion(remissions, of: included) }
    /// Dropout rate among courses with a session given.
    public var dropoutRate: Proportion { Proportion(dropouts, of: started) }
    /// Crude share of responders with a confirmed relapse (the Kaplan–Meier curve adds the timing).
    public var relapseRate: Proportion { Proportion(relapsed, of: everResponded) }
    /// Reliably improved among courses judged for reliable change.
    public var reliableImprovementRate: Proportion { Proportion(reliableImproved, of: reliableAssessed) }
}

/// One row of a breakdown: a cohort value and its tally.
public struct OutcomeCohortRow: Equatable, Sendable, Codable {
    /// The stored value (`iv-ketamine`, `2026-03`, `65+`…).
    public let value: String
    /// Words for people.
    public let label: String
    /// The counts.
    public let tally: OutcomeTally
    /// Benchmarks beside this cohort's rates, when the cohort is one treatment.
    public let benchmarks: [BenchmarkComparison]

    /// A row.
    public init(value: String, label: String, tally: OutcomeTally, benchmarks: [BenchmarkComparison] = []) {
        self.value = value
        self.label = label
        self.tally = tally
        self.benchmarks = benchmarks
    }
}

/// The cohort split by one dimension.
public struct OutcomeBreakdown: Equatable, Sendable, Codable {
    /// What it is split by.
    public let dimension: OutcomeDimension
    /// One row per value present, in the dimension's order.
    public let rows: [OutcomeCohortRow]

    /// A breakdown.
    public init(dimension: OutcomeDimension, rows: [OutcomeCohortRow]) {
        self.dimension = dimension
        self.rows = rows
    }
}

/// A Kaplan–Meier estimate with what it measures.
public struct SurvivalEstimate: Equatable, Sendable, Codable {
    /// Stable id (`time-to-relapse`, `duration-of-effect`, `time-to-response`).
    public let id: String
    /// Title for people.
    public let title: String
    /// What the origin, the event and the censoring are.
    public let definition: String
    /// Source keys for the definitions it rests on.
    public let source: String
    /// The curve.
    public let curve: KaplanMeierCurve
    /// Published medians beside the clinic's.
    public let benchmarks: [OutcomeBenchmark]

    /// An estimate.
    public init(id: String, title: String, definition: String, source: String, curve: KaplanMeierCurve, benchmarks: [OutcomeBenchmark]) {
        self.id = id
        self.title = title
        self.definition = definition
        self.source = source
        self.curve = curve
        self.benchmarks = benchmarks
    }
}

/// Time to relapse in two cohorts, compared by the log-rank test.
public struct SurvivalComparison: Equatable, Sendable, Codable {
    /// Which cohorts.
    public let comparison: CohortComparison
    /// The first cohort's curve.
    public let first: KaplanMeierCurve
    /// The second cohort's curve.
    public let second: KaplanMeierCurve
    /// The test; nil when a cohort has no responder or there is no relapse at all.
    public let test: LogRankTest?

    /// A comparison.
    public init(comparison: CohortComparison, first: KaplanMeierCurve, second: KaplanMeierCurve, test: LogRankTest?) {
        self.comparison = comparison
        self.first = first
        self.second = second
        self.test = test
    }
}

/// How many counted courses ended with a given whole-percent change from baseline: the waterfall,
/// drawn from bins so 100,000 courses make at most 201 bars.
public struct WaterfallBin: Equatable, Sendable, Codable {
    /// Percent change rounded towards zero, clamped to −100…+100 (+100 means "doubled or worse").
    public let percent: Int
    /// Courses in the bin.
    public let courses: Int

    /// A bin.
    public init(percent: Int, courses: Int) {
        self.percent = percent
        self.courses = courses
    }

    /// The bin a percent change falls in.
    public static func bin(_ percent: Double) -> Int {
        guard percent.isFinite else { return percent > 0 ? 100 : -100 }
        return Int(saturating: max(-100, min(100, percent.rounded(.towardZero))))
    }
}

/// Safety and quality over the treatment sessions given in the period.
public struct SafetyMeasures: Equatable, Sendable, Codable {
    /// Sessions given (discharged or stopped early) in the period.
    public var sessions = 0
    /// Blood-pressure alerts (systolic/diastolic high or risen [R18]) raised in those sessions.
    public var bloodPressureAlerts = 0
    /// Side-effect observations with dissociation, CADSS total > 4 [R27].
    public var dissociationObservations = 0
    /// Sessions discharged later than the clinic's limit after they were ready for discharge.
    public var dischargeDelays = 0
    /// Sessions with a recorded readiness and a discharge (the denominator the delays are judged in).
    public var dischargesTimed = 0
    /// Suicidality alerts (PHQ-9 item 9, C-SSRS) raised in the period.
    public var suicidalityAlerts = 0
    /// Minutes from each acknowledged alert (vital-sign or suicidality) to its acknowledgement.
    public var acknowledgementMinutes: [Double] = []
    /// Alerts raised in the period and not acknowledged.
    public var unacknowledgedAlerts = 0
    /// The discharge delay limit the delays were judged by (clinic policy).
    public var dischargeDelayMinutes = OutcomeCohortFilter.defaultDischargeDelayMinutes

    /// An empty set.
    public init() {}

    /// Events per 100 sessions; nil without sessions.
    public func per100(_ count: Int) -> Double? {
        sessions > 0 ? Double(count) * 100 / Double(sessions) : nil
    }

    /// The median minutes to acknowledgement; nil when none was acknowledged.
    public var medianAcknowledgementMinutes: Double? {
        guard !acknowledgementMinutes.isEmpty else { return nil }
        let sorted = acknowledgementMinutes.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The 90th percentile (nearest rank) of minutes to acknowledgement.
    public var p90AcknowledgementMinutes: Double? {
        guard !acknowledgementMinutes.isEmpty else { return nil }
        let sorted = acknowledgementMinutes.sorted()
        let rank = Int(rounding: 0.9 * Double(sorted.count), .up)
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}

/// Sessions given before the first response, among responders, as a count per number of sessions.
public struct SessionsToResponse: Equatable, Sendable, Codable {
    /// Responders by sessions given before their first response.
    public let counts: [Int: Int]

    /// A distribution.
    public init(counts: [Int: Int]) { self.counts = counts }

    /// Responders.
    public var responders: Int { counts.values.reduce(0, +) }

    /// The median (the lower middle value for an even count, as a whole number of sessions); nil without responders.
    public var median: Int? {
        let total = responders
        guard total > 0 else { return nil }
        var seen = 0
        for sessions in counts.keys.sorted() {
            seen += counts[sessions]!
            if seen * 2 >= total { return sessions }
        }
        return nil
    }
}

/// The clinic's outcome report: who was in the cohort, who was left out and why, each measure with
/// its definition and source, the survival curves, the comparison, the waterfall and safety.
public struct OutcomeReport: Equatable, Sendable, Codable {
    /// Which courses.
    public let filter: OutcomeCohortFilter
    /// The whole cohort.
    public let overall: OutcomeTally
    /// The cohort split by each dimension.
    public let breakdowns: [OutcomeBreakdown]
    /// Time from the first session to the first response.
    public let timeToResponse: SurvivalEstimate
    /// Time from the first response to a confirmed relapse.
    public let timeToRelapse: SurvivalEstimate
    /// Time from each dose to the end of its effect.
    public let durationOfEffect: SurvivalEstimate
    /// Time to relapse compared between two cohorts.
    public let comparison: SurvivalComparison
    /// Percent change from baseline per counted course.
    public let waterfall: [WaterfallBin]
    /// Sessions to response.
    public let sessionsToResponse: SessionsToResponse
    /// Safety and quality.
    public let safety: SafetyMeasures

    /// A report from its parts.
    public init(filter: OutcomeCohortFilter, overall: OutcomeTally, breakdowns: [OutcomeBreakdown], timeToResponse: SurvivalEstimate,
                timeToRelapse: SurvivalEstimate, durationOfEffect: SurvivalEstimate, comparison: SurvivalComparison,
                waterfall: [WaterfallBin], sessionsToResponse: SessionsToResponse, safety: SafetyMeasures) {
        self.filter = filter
        self.overall = overall
        self.breakdowns = breakdowns
        self.timeToResponse = timeToResponse
        self.timeToRelapse = timeToRelapse
        self.durationOfEffect = durationOfEffect
        self.comparison = comparison
        self.waterfall = waterfall
        self.sessionsToResponse = sessionsToResponse
        self.safety = safety
    }

    /// True when no course started in the period matched: the page says so instead of drawing an
    /// empty plot.
    public var isEmpty: Bool { overall.courses == 0 }

    /// The treatment breakdown's row for a treatment, if the cohort has one.
    public func tally(for treatment: Treatment) -> OutcomeTally? {
        breakdowns.first { $0.dimension == .treatment }?.rows.first { $0.value == treatment.rawValue }?.tally
    }

    /// The benchmarks beside a rate measure (`response`, `remission`, `relapse`), each compared with
    /// the clinic's rate for the same treatment.
    public func benchmarks(for measure: String) -> [BenchmarkComparison] {
        let treatments = filter.treatment.map { [$0] } ?? Treatment.allCases
        return treatments.flatMap { treatment -> [BenchmarkComparison] in
            let tally = tally(for: treatment)
            let rate: Proportion? = switch measure {
            case "response": tally?.responseRate
            case "remission": tally?.remissionRate
            case "relapse": tally?.relapseRate
            default: nil
            }
            return OutcomeBenchmark.benchmarks(for: measure, treatment: treatment).map {
                BenchmarkComparison(benchmark: $0, clinic: rate)
            }
        }
    }
}

/// The measures the report states, each with its definition and source, in one place so the page,
/// the CSV and docs/outcomes.md say the same.
public struct OutcomeMeasureDefinition: Equatable, Sendable, Codable {
    /// Stable id.
    public let id: String
    /// Name for people.
    public let name: String
    /// The rule.
    public let definition: String
    /// Source keys, or "clinic policy".
    public let source: String

    /// The definitions, in the order the report shows them.
    public static let all: [OutcomeMeasureDefinition] = [
        .init(id: "response", name: "Response",
              definition: "Endpoint rating (the last up to 7 days after the last session given) at least 50% below baseline (PHQ-9, else MADRS).",
              source: "R55-ELEKT, R55-SUS3"),
        .init(id: "remission", name: "Remission",
              definition: "Endpoint rating PHQ-9 < 5 or MADRS ≤ 10.", source: "R55-ESC, R55-KetECT"),
        .init(id: "reliable-change", name: "Reliable change",
              definition: "Endpoint minus baseline at least the clinic's reliable-change points; shown only when the clinic set them.",
              source: "PCL-5 5–10 points R51; PHQ-9 and MADRS NOT FOUND (clinic policy)"),
        .init(id: "time-to-response", name: "Time to response",
              definition: "Days from the first session given to the first rating meeting the response rule; censored at the last rating.",
              source: "R55-ELEKT (response rule)"),
        .init(id: "sessions-to-response", name: "Sessions to response",
              definition: "Sessions given before the day of the first response, among responders.", source: "R55-Phil (benchmark)"),
        .init(id: "relapse", name: "Relapse after response",
              definition: "After a response, the total rises above 50% of baseline on 2 consecutive ratings; Kaplan–Meier from the first response, censored at the last rating.",
              source: "clinic policy (the SUSTAIN-1 criterion was not captured, R55-SUS1)"),
        .init(id: "duration-of-effect", name: "Duration of effect after each dose",
              definition: "Days from a dose to the first rating back above 50% of baseline after the effect was seen; censored at the last rating before the next dose.",
              source: "clinic policy (R3 on timing the next dose)"),
        .init(id: "dropout", name: "Dropout",
              definition: "A course with a session given, none still to come, and fewer sessions given than planned.",
              source: "clinic policy"),
    ]
}

extension OutcomeReport {
    /// Cells smaller than this are suppressed in exports, as health statistics conventions require
    /// (minimum cell size 11) [X6].
    public static let smallestPublishedCell = 11

    /// Whether a count may be published: 0 or at least ``smallestPublishedCell``.
    public static func isPublishable(_ count: Int) -> Bool { count == 0 || count >= smallestPublishedCell }
}
