import Foundation

/// One subject's follow-up for a survival estimate: how long it was watched and whether the event
/// (relapse, end of a dose's effect, response) was seen at that time or the watch stopped first.
public struct SurvivalObservation: Equatable, Sendable, Codable {
    /// Time from the origin (course start, response, dose) in days.
    public let time: Double
    /// True when the event was observed at ``time``; false when the subject was censored there.
    public let event: Bool

    /// An observation: its time and whether the event happened then.
    public init(time: Double, event: Bool) {
        self.time = time
        self.event = event
    }
}

/// How many subjects had the event and how many were censored at one time: the grouped form a
/// database answers with `GROUP BY`, so 100,000 courses reach the estimator as a few hundred rows.
public struct SurvivalCount: Equatable, Sendable, Codable {
    /// The time, in days.
    public let time: Double
    /// Events at this time.
    public let events: Int
    /// Subjects censored at this time (after the events, by the usual convention).
    public let censored: Int

    /// A count at one time.
    public init(time: Double, events: Int, censored: Int) {
        self.time = time
        self.events = events
        self.censored = censored
    }
}

/// One row of a Kaplan–Meier table: the estimate just after ``time``.
public struct KaplanMeierStep: Equatable, Sendable, Codable {
    /// The time, in days.
    public let time: Double
    /// Subjects still watched just before ``time`` (numbers at risk).
    public let atRisk: Int
    /// Events at ``time``.
    public let events: Int
    /// Subjects censored at ``time``.
    public let censored: Int
    /// The product-limit estimate S(t) [X2].
    public let survival: Double
    /// Greenwood's standard error of S(t): S(t) · √Σ dᵢ / (nᵢ (nᵢ − dᵢ)) [X2].
    public let standardError: Double
    /// Lower end of the 95% band (Greenwood variance on the log(−log S) scale) [X2][X3].
    public let lower: Double
    /// Upper end of the 95% band.
    public let upper: Double
}

/// A Kaplan–Meier curve with its Greenwood band and numbers at risk.
public struct KaplanMeierCurve: Equatable, Sendable, Codable {
    /// One step per distinct time with an event or a censoring, in time order.
    public let steps: [KaplanMeierStep]
    /// Subjects in the estimate.
    public let subjects: Int
    /// Events seen.
    public let events: Int
    /// The median time: the first time at which S(t) ≤ 0.5, as lifelines reports it [X3]; nil
    /// when the curve never falls that far (the median is not yet reached).
    public let median: Double?

    /// S(t): 1 before the first step, then the value of the last step at or before `time`.
    public func survival(at time: Double) -> Double {
        steps.last { $0.time <= time }?.survival ?? 1
    }

    /// Subjects still at risk at `time` (watched up to at least that time): what the table under a
    /// plot prints.
    public func atRisk(at time: Double) -> Int {
        if let step = steps.first(where: { $0.time >= time }) { return step.atRisk }
        return 0
    }
}

/// The product-limit estimator with Greenwood's variance, kept free of any I/O so the same numbers
/// come out of the page, the API, the CLI and the tests (docs/outcomes.md, "Survival").
public enum KaplanMeier {
    /// The two-sided 95% normal quantile, z₀.₉₇₅, to the precision lifelines uses [X3].
    public static let z95 = 1.959963984540054

    /// The curve for individual observations (any order). Negative or non-finite times are left out.
    public static func estimate(_ observations: [SurvivalObservation]) -> KaplanMeierCurve {
        var table: [Double: (events: Int, censored: Int)] = [:]
        for observation in observations where observation.time.isFinite && observation.time >= 0 {
            var entry = table[observation.time] ?? (0, 0)
            if observation.event { entry.events += 1 } else { entry.censored += 1 }
            table[observation.time] = entry
        }
        return estimate(counts: table.map { SurvivalCount(time: $0.key, events: $0.value.events, censored: $0.value.censored) })
    }

    /// The curve for grouped counts (any order; counts for the same time are added). At a time with
    /// both, events come before censorings: a subject censored at t was at risk at t.
    public static func estimate(counts: [SurvivalCount]) -> KaplanMeierCurve {
        var merged: [Double: (events: Int, censored: Int)] = [:]
        for count in counts where count.time.isFinite && count.time >= 0 && count.events >= 0 && count.censored >= 0 {
            var entry = merged[count.time] ?? (0, 0)
            entry.events += count.events
            entry.censored += count.censored
            merged[count.time] = entry
        }
        let times = merged.keys.sorted()
        let subjects = merged.values.reduce(0) { $0 + $1.events + $1.censored }
        var atRisk = subjects
        var survival = 1.0
        var greenwood = 0.0          // Σ d / (n (n − d))
        var steps: [KaplanMeierStep] = []
        steps.reserveCapacity(times.count)
        var median: Double?
        var events = 0
        for time in times {
            let (d, c) = merged[time]!
            guard d + c > 0 else { continue }
            if d > 0 {
                survival *= 1 - Double(d) / Double(atRisk)
                greenwood += d < atRisk ? Double(d) / (Double(atRisk) * Double(atRisk - d)) : .infinity
                events += d
            }
            let (lower, upper) = band(survival: survival, greenwood: greenwood)
            let standardError = survival > 0 && greenwood.isFinite ? survival * greenwood.squareRoot() : 0
            steps.append(KaplanMeierStep(time: time, atRisk: atRisk, events: d, censored: c, survival: survival,
                                         standardError: standardError, lower: lower, upper: upper))
            if median == nil, survival <= 0.5 { median = time }
            atRisk -= d + c
        }
        return KaplanMeierCurve(steps: steps, subjects: subjects, events: events, median: median)
    }

    /// The 95% band on the log(−log S) scale ("exponential Greenwood", Kalbfleisch & Prentice):
    /// v = Σ d/(n(n−d)) / (log S)², lower = S^exp(z√v), upper = S^exp(−z√v). It stays inside
    /// [0, 1], which the plain S ± z·SE does not [X2][X3]. Before the first event (S = 1) the band
    /// is [1, 1]; once S reaches 0 it is [0, 0].
    static func band(survival: Double, greenwood: Double) -> (Double, Double) {
        guard survival > 0, greenwood.isFinite else { return (0, 0) }
        guard survival < 1 else { return (1, 1) }
        let logS = log(survival)
        let spread = z95 * (greenwood / (logS * logS)).squareRoot()
        return (pow(survival, exp(spread)), pow(survival, exp(-spread)))
    }
}

/// The log-rank test comparing two survival curves [X4].
public struct LogRankTest: Equatable, Sendable, Codable {
    /// Events seen in the first group.
    public let observedFirst: Int
    /// Events expected in the first group if both groups shared one curve.
    public let expectedFirst: Double
    /// Events seen in the second group.
    public let observedSecond: Int
    /// Events expected in the second group.
    public let expectedSecond: Double
    /// (O₁ − E₁)² / V, chi-square with one degree of freedom.
    public let statistic: Double
    /// The probability of a statistic at least this large if the curves were the same.
    public let pValue: Double

    /// The test for two groups' grouped counts. Nil when there is no event at all or no variance
    /// (one group empty): there is nothing to compare.
    ///
    /// At each distinct event time with n = n₁ + n₂ at risk and d = d₁ + d₂ events:
    /// E₁ += d·n₁/n, V += d·(n₁/n)·(1 − n₁/n)·(n − d)/(n − 1) (the hypergeometric variance) [X4].
    public static func compare(_ first: [SurvivalCount], _ second: [SurvivalCount]) -> LogRankTest? {
        func merged(_ counts: [SurvivalCount]) -> [Double: (events: Int, censored: Int)] {
            var table: [Double: (events: Int, censored: Int)] = [:]
            for count in counts where count.time.isFinite && count.time >= 0 && count.events >= 0 && count.censored >= 0 {
                var entry = table[count.time] ?? (0, 0)
                entry.events += count.events
                entry.censored += count.censored
                table[count.time] = entry
            }
            return table
        }
        let a = merged(first), b = merged(second)
        var n1 = a.values.reduce(0) { $0 + $1.events + $1.censored }
        var n2 = b.values.reduce(0) { $0 + $1.events + $1.censored }
        guard n1 > 0, n2 > 0 else { return nil }
        let times = Set(a.keys).union(b.keys).sorted()
        var observed1 = 0, observed2 = 0
        var expected1 = 0.0, expected2 = 0.0, variance = 0.0
        for time in times {
            let (d1, c1) = a[time] ?? (0, 0)
            let (d2, c2) = b[time] ?? (0, 0)
            let d = d1 + d2
            let n = n1 + n2
            if d > 0, n > 0 {
                let share = Double(n1) / Double(n)
                expected1 += Double(d) * share
                expected2 += Double(d) * (1 - share)
                if n > 1 { variance += Double(d) * share * (1 - share) * Double(n - d) / Double(n - 1) }
                observed1 += d1
                observed2 += d2
            }
            n1 -= d1 + c1
            n2 -= d2 + c2
        }
        guard observed1 + observed2 > 0, variance > 0 else { return nil }
        let statistic = pow(Double(observed1) - expected1, 2) / variance
        return LogRankTest(observedFirst: observed1, expectedFirst: expected1, observedSecond: observed2,
                           expectedSecond: expected2, statistic: statistic, pValue: chiSquareOneDegreeSurvival(statistic))
    }

    /// P(χ²₁ ≥ x) = erfc(√(x/2)).
    static func chiSquareOneDegreeSurvival(_ x: Double) -> Double {
        guard x.isFinite, x > 0 else { return x > 0 ? 0 : 1 }
        return erfc((x / 2).squareRoot())
    }
}

/// A proportion with its 95% Wilson score interval, the interval a rate such as "61% responded"
/// carries on the outcomes page [X5].
public struct Proportion: Equatable, Sendable, Codable {
    /// Subjects with the outcome.
    public let count: Int
    /// Subjects in the denominator.
    public let total: Int
    /// count / total; nil when the total is 0.
    public let value: Double?
    /// Lower end of the 95% Wilson interval.
    public let lower: Double?
    /// Upper end of the 95% Wilson interval.
    public let upper: Double?

    /// The proportion `count` of `total` with its Wilson interval:
    /// (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n) [X5].
    public init(_ count: Int, of total: Int) {
        self.count = count
        self.total = total
        guard total > 0, count >= 0, count <= total else {
            value = nil; lower = nil; upper = nil
            return
        }
        let n = Double(total), p = Double(count) / n, z = KaplanMeier.z95
        let denominator = 1 + z * z / n
        let centre = p + z * z / (2 * n)
        let spread = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        value = p
        lower = max(0, (centre - spread) / denominator)
        upper = min(1, (centre + spread) / denominator)
    }
}
