/// A published figure to set beside the clinic's own: the study, what it measured, and its key into
/// the clinical reference. Only figures the reference gives as numbers are listed (§6); a measure
/// with no published number shows none.
public struct OutcomeBenchmark: Equatable, Sendable, Codable {
    /// Which clinic measure it sits beside (``OutcomeMeasure/id``).
    public let measure: String
    /// The treatment it was measured with.
    public let treatment: Treatment
    /// The study and arm, in a few words.
    public let study: String
    /// The published value: a proportion (0–1) for rates, days or sessions for medians.
    public let value: Double
    /// How the study measured it, where that differs from the clinic's definition.
    public let note: String
    /// The source key into the clinical reference.
    public let source: String
    /// True when the study's definition matches the clinic's closely enough to flag a clinic whose
    /// confidence interval lies wholly below it; false for context only.
    public let flaggable: Bool

    /// A benchmark.
    public init(measure: String, treatment: Treatment, study: String, value: Double, note: String, source: String, flaggable: Bool) {
        self.measure = measure
        self.treatment = treatment
        self.study = study
        self.value = value
        self.note = note
        self.source = source
        self.flaggable = flaggable
    }
}

extension OutcomeBenchmark {
    /// The figures from the clinical reference's outcome benchmarks (§6). Response is a ≥50% fall
    /// and remission the instrument's threshold in every study listed, as in the clinic's rule.
    public static let catalog: [OutcomeBenchmark] = [
        // IV racemic ketamine.
        OutcomeBenchmark(measure: "response", treatment: .ivKetamine, study: "Murrough 2013, 6 infusions (n=24)", value: 0.708,
                         note: "at study end", source: "R55-Mur", flaggable: true),
        OutcomeBenchmark(measure: "response", treatment: .ivKetamine, study: "Phillips 2019, 6 open-label infusions", value: 0.59,
                         note: "after repeated infusions", source: "R55-Phil", flaggable: true),
        OutcomeBenchmark(measure: "response", treatment: .ivKetamine, study: "ELEKT-D 2023, ketamine arm", value: 0.508,
                         note: "MADRS response after 3 weeks (QIDS-SR16: 55.4%)", source: "R55-ELEKT", flaggable: true),
        OutcomeBenchmark(measure: "remission", treatment: .ivKetamine, study: "KetECT 2022, ketamine arm", value: 0.46,
                         note: "MADRS ≤ 10, inpatients", source: "R55-KetECT", flaggable: true),
        OutcomeBenchmark(measure: "sessions-to-response", treatment: .ivKetamine, study: "Phillips 2019", value: 3,
                         note: "median infusions to response", source: "R55-Phil", flaggable: false),
        OutcomeBenchmark(measure: "time-to-relapse", treatment: .ivKetamine, study: "Murrough 2013", value: 18,
                         note: "median days to relapse, counted from the last infusion (the clinic counts from the first response)",
                         source: "R55-Mur", flaggable: false),
        OutcomeBenchmark(measure: "relapse", treatment: .ivKetamine, study: "KetECT 2022, ketamine remitters", value: 0.70,
                         note: "relapsed within 12 months of remission", source: "R55-KetECT", flaggable: false),
        // Esketamine nasal spray.
        OutcomeBenchmark(measure: "response", treatment: .esketamine, study: "TRANSFORM-2, esketamine + new antidepressant", value: 0.693,
                         note: "day 28", source: "R55-T2", flaggable: true),
        OutcomeBenchmark(measure: "response", treatment: .esketamine, study: "TRANSFORM-1, 56 mg", value: 0.541,
                         note: "day 28 (84 mg: 53.1%)", source: "R55-T2", flaggable: true),
        OutcomeBenchmark(measure: "response", treatment: .esketamine, study: "TRANSFORM-3, age ≥ 65", value: 0.27,
                         note: "older adults only", source: "R55-T3", flaggable: false),
        OutcomeBenchmark(measure: "remission", treatment: .esketamine, study: "TRANSFORM-2", value: 0.525,
                         note: "MADRS ≤ 12 (the clinic uses ≤ 10)", source: "R55-T2", flaggable: true),
        OutcomeBenchmark(measure: "remission", treatment: .esketamine, study: "ESCAPE-TRD 2023", value: 0.271,
                         note: "MADRS ≤ 10 at week 8", source: "R55-ESC", flaggable: true),
        OutcomeBenchmark(measure: "remission", treatment: .esketamine, study: "Monotherapy trial (TRANSFORM-4 based)", value: 0.225,
                         note: "4 weeks, esketamine alone", source: "R29", flaggable: true),
        OutcomeBenchmark(measure: "relapse", treatment: .esketamine, study: "SUSTAIN-1, stable remitters", value: 0.267,
                         note: "randomised withdrawal, esketamine continued", source: "R55-SUS1", flaggable: false),
    ]

    /// The benchmarks for a measure and treatment.
    public static func benchmarks(for measure: String, treatment: Treatment) -> [OutcomeBenchmark] {
        catalog.filter { $0.measure == measure && $0.treatment == treatment }
    }
}

/// A benchmark set beside the clinic's figure for the same treatment, flagged when the clinic's 95%
/// interval lies wholly below it.
public struct BenchmarkComparison: Equatable, Sendable, Codable {
    /// The published figure.
    public let benchmark: OutcomeBenchmark
    /// The clinic's rate for the same treatment, when the measure is a rate.
    public let clinic: Proportion?
    /// The clinic's upper 95% limit is below the published figure (only for flaggable rates).
    public let isBelow: Bool

    /// Compares a clinic rate with a benchmark.
    public init(benchmark: OutcomeBenchmark, clinic: Proportion?) {
        self.benchmark = benchmark
        self.clinic = clinic
        isBelow = benchmark.flaggable && (clinic?.upper.map { $0 < benchmark.value } ?? false)
    }
}
