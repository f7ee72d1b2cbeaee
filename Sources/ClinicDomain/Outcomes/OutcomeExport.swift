import Foundation

/// The outcome report as it leaves the clinic (JSON API, CSV, `ketaclinic report outcomes`): the
/// same figures with small cells suppressed. A count from 1 to 10 is published as null, and so is
/// any rate made from one; survival curves stop where fewer than 11 remain at risk [X6].
public struct OutcomeExport: Codable, Equatable, Sendable {
    /// A rate with its parts; nulls where a part is a small cell.
    public struct Rate: Codable, Equatable, Sendable {
        public let numerator: Int?
        public let denominator: Int?
        public let value: Double?
        public let lower: Double?
        public let upper: Double?
    }

    /// A published figure beside a clinic rate.
    public struct Benchmark: Codable, Equatable, Sendable {
        public let measure: String
        public let treatment: String
        public let study: String
        public let value: Double
        public let note: String
        public let source: String
        /// The clinic's 95% interval for the same treatment lies wholly below it (null when the clinic's rate is suppressed).
        public let clinicBelow: Bool?
    }

    /// One measure of the whole cohort.
    public struct Measure: Codable, Equatable, Sendable {
        public let id: String
        public let name: String
        public let definition: String
        public let source: String
        public let rate: Rate?
        public let median: Double?
        public let benchmarks: [Benchmark]
    }

    /// One excluded group.
    public struct Exclusion: Codable, Equatable, Sendable {
        public let reason: String
        public let label: String
        public let courses: Int?
    }

    /// One cohort row of a breakdown.
    public struct CohortRow: Codable, Equatable, Sendable {
        public let value: String
        public let label: String
        public let courses: Int?
        public let included: Int?
        public let excluded: [Exclusion]
        public let response: Rate
        public let remission: Rate
        public let dropout: Rate
    }

    /// A breakdown.
    public struct Breakdown: Codable, Equatable, Sendable {
        public let dimension: String
        public let label: String
        public let rows: [CohortRow]
    }

    /// One published step of a curve.
    public struct Step: Codable, Equatable, Sendable {
        public let time: Double
        public let atRisk: Int
        public let survival: Double
        public let lower: Double
        public let upper: Double
    }

    /// A survival estimate.
    public struct Survival: Codable, Equatable, Sendable {
        public let id: String
        public let title: String
        public let definition: String
        public let source: String
        public let subjects: Int?
        public let events: Int?
        public let median: Double?
        public let steps: [Step]
        public let benchmarks: [Benchmark]
    }

    /// The log-rank comparison.
    public struct Comparison: Codable, Equatable, Sendable {
        public let dimension: String
        public let first: String
        public let second: String
        public let firstSubjects: Int?
        public let secondSubjects: Int?
        public let chiSquare: Double?
        public let pValue: Double?
    }

    /// Safety and quality.
    public struct Safety: Codable, Equatable, Sendable {
        public let sessions: Int?
        public let bloodPressureAlertsPer100: Double?
        public let dissociationPer100: Double?
        public let dischargeDelaysPer100: Double?
        public let suicidalityAlertsPer100: Double?
        public let medianMinutesToAcknowledge: Double?
        public let p90MinutesToAcknowledge: Double?
        public let unacknowledgedAlerts: Int?
        public let dischargeDelayMinutes: Int
    }

    public let from: String
    public let to: String
    public let filter: [String: String]
    public let suppression: String
    public let courses: Int?
    public let included: Int?
    public let excluded: [Exclusion]
    public let measures: [Measure]
    public let breakdowns: [Breakdown]
    public let survival: [Survival]
    public let comparison: Comparison
    public let waterfall: [WaterfallBinExport]
    public let safety: Safety

    /// A waterfall bin, its count suppressed when small.
    public struct WaterfallBinExport: Codable, Equatable, Sendable {
        public let percent: Int
        public let courses: Int?
    }

    /// The words every export carries about suppression.
    public static let suppressionNote = "Counts from 1 to 10 are suppressed (null), with every rate made from them; "
        + "survival curves stop where fewer than 11 remain at risk."

    static func count(_ value: Int) -> Int? { OutcomeReport.isPublishable(value) ? value : nil }

    static func rate(_ proportion: Proportion) -> Rate {
        guard OutcomeReport.isPublishable(proportion.count), OutcomeReport.isPublishable(proportion.total) else {
            return Rate(numerator: count(proportion.count), denominator: count(proportion.total), value: nil, lower: nil, upper: nil)
        }
        return Rate(numerator: proportion.count, denominator: proportion.total, value: proportion.value, lower: proportion.lower,
                    upper: proportion.upper)
    }

    static func benchmark(_ comparison: BenchmarkComparison) -> Benchmark {
        let published = comparison.clinic.map { rate($0).value != nil } ?? false
        return Benchmark(measure: comparison.benchmark.measure, treatment: comparison.benchmark.treatment.rawValue,
                         study: comparison.benchmark.study, value: comparison.benchmark.value, note: comparison.benchmark.note,
                         source: comparison.benchmark.source, clinicBelow: published ? comparison.isBelow : nil)
    }

    static func benchmark(_ benchmark: OutcomeBenchmark) -> Benchmark {
        Benchmark(measure: benchmark.measure, treatment: benchmark.treatment.rawValue, study: benchmark.study, value: benchmark.value,
                  note: benchmark.note, source: benchmark.source, clinicBelow: nil)
    }

    static func exclusions(_ tally: OutcomeTally) -> [Exclusion] {
        CourseExclusion.allCases.map { Exclusion(reason: $0.rawValue, label: $0.label, courses: count(tally.excluded[$0] ?? 0)) }
    }

    static func survival(_ estimate: SurvivalEstimate) -> Survival {
        let curve = estimate.curve
        let steps = curve.steps.prefix { $0.atRisk >= OutcomeReport.smallestPublishedCell }.map {
            Step(time: $0.time, atRisk: $0.atRisk, survival: $0.survival, lower: $0.lower, upper: $0.upper)
        }
        // The median is published only when the curve reached it while enough were at risk.
        let median = curve.median.flatMap { median in steps.contains { $0.time == median } ? median : nil }
        return Survival(id: estimate.id, title: estimate.title, definition: estimate.definition, source: estimate.source,
                        subjects: count(curve.subjects), events: count(curve.events), median: median, steps: Array(steps),
                        benchmarks: estimate.benchmarks.map(benchmark))
    }

    /// The export of a report.
    public init(_ report: OutcomeReport) {
        let filter = report.filter
        from = filter.from.iso
        to = filter.to.iso
        self.filter = Dictionary(filter.fields, uniquingKeysWith: { $1 })
        suppression = Self.suppressionNote
        let overall = report.overall
        courses = Self.count(overall.courses)
        included = Self.count(overall.included)
        excluded = Self.exclusions(overall)
        let relapse = Self.survival(report.timeToRelapse)
        let effect = Self.survival(report.durationOfEffect)
        let response = Self.survival(report.timeToResponse)
        let sessionsMedian = OutcomeReport.isPublishable(report.sessionsToResponse.responders) ? report.sessionsToResponse.median.map(Double.init) : nil
        measures = OutcomeMeasureDefinition.all.map { definition in
            let rate: Proportion? = switch definition.id {
            case "response": overall.responseRate
            case "remission": overall.remissionRate
            case "reliable-change": overall.reliableAssessed > 0 ? overall.reliableImprovementRate : nil
            case "relapse": overall.relapseRate
            case "dropout": overall.dropoutRate
            default: nil
            }
            let median: Double? = switch definition.id {
            case "time-to-response": response.median
            case "sessions-to-response": sessionsMedian
            case "relapse": relapse.median
            case "duration-of-effect": effect.median
            default: nil
            }
            var benchmarks = report.benchmarks(for: definition.id).map(Self.benchmark)
            if definition.id == "sessions-to-response" {
                let treatments = filter.treatment.map { [$0] } ?? Treatment.allCases
                benchmarks = treatments.flatMap { OutcomeBenchmark.benchmarks(for: "sessions-to-response", treatment: $0) }.map(Self.benchmark)
            }
            return Measure(id: definition.id, name: definition.name, definition: definition.definition, source: definition.source,
                           rate: rate.map(Self.rate), median: median, benchmarks: benchmarks)
        }
        breakdowns = report.breakdowns.map { breakdown in
            Breakdown(dimension: breakdown.dimension.rawValue, label: breakdown.dimension.label, rows: breakdown.rows.map { row in
                CohortRow(value: row.value, label: row.label, courses: Self.count(row.tally.courses), included: Self.count(row.tally.included),
                          excluded: Self.exclusions(row.tally), response: Self.rate(row.tally.responseRate),
                          remission: Self.rate(row.tally.remissionRate), dropout: Self.rate(row.tally.dropoutRate))
            })
        }
        survival = [response, relapse, effect]
        let c = report.comparison
        let publishable = OutcomeReport.isPublishable(c.first.subjects) && OutcomeReport.isPublishable(c.second.subjects)
        comparison = Comparison(dimension: c.comparison.dimension.rawValue, first: c.comparison.first, second: c.comparison.second,
                                firstSubjects: Self.count(c.first.subjects), secondSubjects: Self.count(c.second.subjects),
                                chiSquare: publishable ? c.test?.statistic : nil, pValue: publishable ? c.test?.pValue : nil)
        waterfall = report.waterfall.map { WaterfallBinExport(percent: $0.percent, courses: Self.count($0.courses)) }
        let s = report.safety
        func per100(_ value: Int) -> Double? { OutcomeReport.isPublishable(value) && OutcomeReport.isPublishable(s.sessions) ? s.per100(value) : nil }
        let acknowledged = OutcomeReport.isPublishable(s.acknowledgementMinutes.count)
        safety = Safety(sessions: Self.count(s.sessions), bloodPressureAlertsPer100: per100(s.bloodPressureAlerts),
                        dissociationPer100: per100(s.dissociationObservations), dischargeDelaysPer100: per100(s.dischargeDelays),
                        suicidalityAlertsPer100: per100(s.suicidalityAlerts),
                        medianMinutesToAcknowledge: acknowledged ? s.medianAcknowledgementMinutes : nil,
                        p90MinutesToAcknowledge: acknowledged ? s.p90AcknowledgementMinutes : nil,
                        unacknowledgedAlerts: Self.count(s.unacknowledgedAlerts), dischargeDelayMinutes: s.dischargeDelayMinutes)
    }

    /// One CSV field: quoted when it holds a comma, quote or line break; a leading formula
    /// character (which a spreadsheet would run) neutralised.
    public static func csvField(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        return text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// The export as CSV: one line per figure, `section,dimension,value,label,measure,numerator,denominator,rate,lower,upper,note`.
    /// Suppressed cells are empty.
    public var csv: String {
        var lines = ["section,dimension,value,label,measure,numerator,denominator,rate,lower,upper,note"]
        let field = Self.csvField
        func number(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        func int(_ value: Int?) -> String { value.map(String.init) ?? "" }
        func line(_ parts: [String]) { lines.append(parts.map(field).joined(separator: ",")) }
        line(["cohort", "", "", "Courses started \(from) to \(to)", "courses", int(courses), "", "", "", "", suppression])
        line(["cohort", "", "", "Counted", "included", int(included), int(courses), "", "", "", ""])
        for exclusion in excluded { line(["cohort", "", exclusion.reason, exclusion.label, "excluded", int(exclusion.courses), "", "", "", "", ""]) }
        for measure in measures {
            let rate = measure.rate
            line(["measure", "", "", measure.name, measure.id, int(rate?.numerator), int(rate?.denominator), number(rate?.value),
                  number(rate?.lower), number(rate?.upper),
                  measure.definition + " [" + measure.source + "]" + (measure.median.map { " Median \(String(format: "%g", $0))." } ?? "")])
            for benchmark in measure.benchmarks {
                line(["benchmark", "treatment", benchmark.treatment, benchmark.study, measure.id, "", "", number(benchmark.value), "", "",
                      benchmark.note + " [" + benchmark.source + "]" + (benchmark.clinicBelow == true ? " Clinic interval wholly below." : "")])
            }
        }
        for breakdown in breakdowns {
            for row in breakdown.rows {
                for (id, rate) in [("response", row.response), ("remission", row.remission), ("dropout", row.dropout)] {
                    line(["cohort-rate", breakdown.dimension, row.value, row.label, id, int(rate.numerator), int(rate.denominator),
                          number(rate.value), number(rate.lower), number(rate.upper), ""])
                }
            }
        }
        for curve in survival {
            for step in curve.steps {
                line(["survival", curve.id, String(format: "%g", step.time), curve.title, "survival", int(step.atRisk), "",
                      number(step.survival), number(step.lower), number(step.upper), "at risk in numerator column"])
            }
        }
        line(["comparison", comparison.dimension, "\(comparison.first) vs \(comparison.second)", "Log-rank, time to relapse", "chi-square",
              int(comparison.firstSubjects), int(comparison.secondSubjects), number(comparison.chiSquare), "", "",
              comparison.pValue.map { "p = \(String(format: "%.6g", $0))" } ?? ""])
        for bin in waterfall { line(["waterfall", "", String(bin.percent), "\(bin.percent)%", "courses", int(bin.courses), "", "", "", "", ""]) }
        let s = safety
        for (id, label, value) in [("bp-alerts", "Blood-pressure alerts per 100 sessions", s.bloodPressureAlertsPer100),
                                   ("dissociation", "Sessions with dissociation (CADSS > 4) per 100 sessions", s.dissociationPer100),
                                   ("discharge-delays", "Discharges more than \(s.dischargeDelayMinutes) min after readiness per 100 sessions", s.dischargeDelaysPer100),
                                   ("suicidality-alerts", "Suicidality alerts per 100 sessions", s.suicidalityAlertsPer100),
                                   ("minutes-to-acknowledge", "Median minutes from alert to acknowledgement", s.medianMinutesToAcknowledge)] {
            line(["safety", "", "", label, id, "", int(s.sessions), number(value), "", "", ""])
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
