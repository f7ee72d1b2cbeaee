import Foundation

/// A course as the report sees it: its cohort keys and what it showed.
public struct CourseOutcomeRecord: Equatable, Sendable, Codable {
    /// The course (the first plan's id).
    public let courseID: UUID
    /// The patient.
    public let patientID: UUID
    /// Cohort keys.
    public let keys: CourseCohortKeys
    /// What it showed.
    public let outcome: CourseOutcome

    /// A record.
    public init(courseID: UUID, patientID: UUID, keys: CourseCohortKeys, outcome: CourseOutcome) {
        self.courseID = courseID
        self.patientID = patientID
        self.keys = keys
        self.outcome = outcome
    }
}

/// The grouped counts a report is assembled from; storage answers them with `GROUP BY`, and
/// ``init(records:filter:)`` counts them from records (tests, small clinics).
public struct OutcomeAggregates: Equatable, Sendable {
    /// Tallies per dimension value.
    public var tallies: [OutcomeDimension: [String: OutcomeTally]] = [:]
    /// Time to response counts.
    public var timeToResponse: [SurvivalCount] = []
    /// Time to relapse counts.
    public var timeToRelapse: [SurvivalCount] = []
    /// Duration-of-effect counts (one per dose).
    public var durationOfEffect: [SurvivalCount] = []
    /// Time to relapse in the comparison's first and second cohorts.
    public var comparisonFirst: [SurvivalCount] = []
    /// The second cohort.
    public var comparisonSecond: [SurvivalCount] = []
    /// Waterfall bins: percent → courses.
    public var waterfall: [Int: Int] = [:]
    /// Sessions to response: sessions → responders.
    public var sessionsToResponse: [Int: Int] = [:]

    /// Empty aggregates.
    public init() {}

    /// Counts the records that match `filter` (records outside it are skipped).
    public init(records: [CourseOutcomeRecord], filter: OutcomeCohortFilter) {
        var response: [Double: (Int, Int)] = [:], relapse: [Double: (Int, Int)] = [:], effect: [Double: (Int, Int)] = [:]
        var first: [Double: (Int, Int)] = [:], second: [Double: (Int, Int)] = [:]
        func add(_ table: inout [Double: (Int, Int)], _ observation: SurvivalObservation) {
            var entry = table[observation.time] ?? (0, 0)
            if observation.event { entry.0 += 1 } else { entry.1 += 1 }
            table[observation.time] = entry
        }
        for record in records where filter.matches(record.keys) {
            for dimension in OutcomeDimension.allCases {
                tallies[dimension, default: [:]][record.keys.value(of: dimension), default: OutcomeTally()].add(record.outcome)
            }
            let outcome = record.outcome
            guard outcome.exclusion == nil else { continue }
            if let observation = outcome.timeToResponse { add(&response, observation) }
            if let observation = outcome.timeToRelapse {
                add(&relapse, observation)
                let value = record.keys.value(of: filter.comparison.dimension)
                if value == filter.comparison.first { add(&first, observation) }
                if value == filter.comparison.second { add(&second, observation) }
            }
            for observation in outcome.effects { add(&effect, observation) }
            if let percent = outcome.percentChange { waterfall[WaterfallBin.bin(percent), default: 0] += 1 }
            if let sessions = outcome.sessionsToResponse { sessionsToResponse[sessions, default: 0] += 1 }
        }
        func counts(_ table: [Double: (Int, Int)]) -> [SurvivalCount] {
            table.map { SurvivalCount(time: $0.key, events: $0.value.0, censored: $0.value.1) }.sorted { $0.time < $1.time }
        }
        timeToResponse = counts(response)
        timeToRelapse = counts(relapse)
        durationOfEffect = counts(effect)
        comparisonFirst = counts(first)
        comparisonSecond = counts(second)
    }
}

extension OutcomeCohortFilter {
    /// Whether a course's keys fall in the filter.
    public func matches(_ keys: CourseCohortKeys) -> Bool {
        guard keys.start >= from, keys.start <= to else { return false }
        for dimension in OutcomeDimension.allCases {
            if let value = restriction(dimension), keys.value(of: dimension) != value { return false }
        }
        return true
    }
}

extension OutcomeReport {
    /// Assembles a report from grouped counts.
    ///
    /// - Parameter labels: display names for stored values (protocol names, clinic names); other
    ///   values are labelled from their domain type.
    public static func assemble(filter: OutcomeCohortFilter, aggregates: OutcomeAggregates, safety: SafetyMeasures,
                                labels: [OutcomeDimension: [String: String]] = [:]) -> OutcomeReport {
        var overall = OutcomeTally()
        for tally in (aggregates.tallies[.treatment] ?? [:]).values { overall.add(tally) }
        let breakdowns = OutcomeDimension.allCases.map { dimension -> OutcomeBreakdown in
            let values = aggregates.tallies[dimension] ?? [:]
            let rows = order(Array(values.keys), dimension).map { value -> OutcomeCohortRow in
                let tally = values[value]!
                var benchmarks: [BenchmarkComparison] = []
                if dimension == .treatment, let treatment = Treatment(rawValue: value) {
                    benchmarks = OutcomeBenchmark.benchmarks(for: "response", treatment: treatment).map {
                        BenchmarkComparison(benchmark: $0, clinic: tally.responseRate)
                    } + OutcomeBenchmark.benchmarks(for: "remission", treatment: treatment).map {
                        BenchmarkComparison(benchmark: $0, clinic: tally.remissionRate)
                    }
                }
                return OutcomeCohortRow(value: value, label: label(value, dimension, labels), tally: tally, benchmarks: benchmarks)
            }
            return OutcomeBreakdown(dimension: dimension, rows: rows)
        }
        func estimate(_ id: String, _ counts: [SurvivalCount], title: String) -> SurvivalEstimate {
            let definition = OutcomeMeasureDefinition.all.first { $0.id == id }
            let treatments = filter.treatment.map { [$0] } ?? Treatment.allCases
            return SurvivalEstimate(id: id, title: title, definition: definition?.definition ?? "", source: definition?.source ?? "",
                                    curve: KaplanMeier.estimate(counts: counts),
                                    benchmarks: treatments.flatMap { OutcomeBenchmark.benchmarks(for: id, treatment: $0) })
        }
        let relapseID = "relapse"
        var relapse = estimate(relapseID, aggregates.timeToRelapse, title: "Time to relapse after response")
        relapse = SurvivalEstimate(id: "time-to-relapse", title: relapse.title, definition: relapse.definition, source: relapse.source,
                                   curve: relapse.curve,
                                   benchmarks: (filter.treatment.map { [$0] } ?? Treatment.allCases)
                                    .flatMap { OutcomeBenchmark.benchmarks(for: "time-to-relapse", treatment: $0) })
        let comparison = SurvivalComparison(
            comparison: filter.comparison, first: KaplanMeier.estimate(counts: aggregates.comparisonFirst),
            second: KaplanMeier.estimate(counts: aggregates.comparisonSecond),
            test: LogRankTest.compare(aggregates.comparisonFirst, aggregates.comparisonSecond))
        return OutcomeReport(
            filter: filter, overall: overall, breakdowns: breakdowns,
            timeToResponse: estimate("time-to-response", aggregates.timeToResponse, title: "Time to response"),
            timeToRelapse: relapse,
            durationOfEffect: estimate("duration-of-effect", aggregates.durationOfEffect, title: "Duration of effect after each dose"),
            comparison: comparison,
            waterfall: aggregates.waterfall.map { WaterfallBin(percent: $0.key, courses: $0.value) }.sorted { $0.percent > $1.percent },
            sessionsToResponse: SessionsToResponse(counts: aggregates.sessionsToResponse),
            safety: safety)
    }

    /// Values in the order people expect: months and bands in order, others by label.
    static func order(_ values: [String], _ dimension: OutcomeDimension) -> [String] {
        switch dimension {
        case .ageBand:
            return AgeBand.allCases.map(\.rawValue).filter(values.contains)
        case .treatment:
            return Treatment.allCases.map(\.rawValue).filter(values.contains)
        case .trdStage:
            return OutcomeCohortFilter.trdStageValues.filter(values.contains)
        case .sex:
            return SexAtBirth.allCases.map(\.rawValue).filter(values.contains)
        default:
            return values.sorted()
        }
    }

    /// The label for a stored value.
    public static func label(_ value: String, _ dimension: OutcomeDimension, _ labels: [OutcomeDimension: [String: String]] = [:]) -> String {
        if let given = labels[dimension]?[value] { return given }
        switch dimension {
        case .treatment: return Treatment(rawValue: value)?.displayName ?? value
        case .ageBand: return AgeBand(rawValue: value)?.label ?? value
        case .sex: return SexAtBirth(rawValue: value)?.displayName ?? value
        case .diagnosis:
            if value == "none" { return "No diagnosis on the chart" }
            return Diagnosis.Family(rawValue: value).map { "\($0.rawValue) \($0.title)" } ?? value
        case .trdStage: return value == "not-scored" ? "Not scored" : value.prefix(1).uppercased() + value.dropFirst()
        case .protocolID: return ProtocolLibrary.builtIn(id: value)?.name ?? value
        case .startMonth, .clinic: return value
        }
    }
}
