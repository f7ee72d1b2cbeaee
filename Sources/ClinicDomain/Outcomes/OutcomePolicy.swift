/// How a clinic turns a score series into response, reliable change, relapse and duration of
/// effect. Sourced values carry their key into the clinical reference; the rest are clinic policy
/// (the reference has no source for them), configurable, with the default documented here and in
/// docs/outcomes.md.
public struct OutcomePolicy: Equatable, Sendable, Codable {
    /// Response is a fall of at least this fraction of the baseline total. Default 0.5, a ≥50%
    /// reduction from baseline [R55-ELEKT][R55-SUS3].
    public var responseFraction: Double
    /// A change of at least this many points counts as reliable. Default nil (not shown): the
    /// reference has no reliable-change value for PHQ-9, GAD-7, MADRS or QIDS-SR16 (NOT FOUND;
    /// clinic policy). For PCL-5 the reference gives 5–10 points [R51] (``pcl5ReliableChangeRange``).
    public var reliableChangePoints: Int?
    /// When a relapse after a response is confirmed (clinic policy; see ``RelapseRule``).
    public var relapseRule: RelapseRule
    /// A dose's effect has ended when the total rises above this fraction of baseline. Default 0.5,
    /// i.e. response lost (clinic policy: no source defines the end of a dose's effect).
    public var effectEndsAboveFractionOfBaseline: Double
    /// An absolute alternative: the effect ends when the total rises above this score. When set it
    /// wins over ``effectEndsAboveFractionOfBaseline``. Default nil (clinic policy).
    public var effectEndsAboveScore: Int?

    /// A policy from its values, unchecked; call ``validated()`` on user input.
    public init(responseFraction: Double = 0.5, reliableChangePoints: Int? = nil,
                relapseRule: RelapseRule = .defaults, effectEndsAboveFractionOfBaseline: Double = 0.5,
                effectEndsAboveScore: Int? = nil) {
        self.responseFraction = responseFraction
        self.reliableChangePoints = reliableChangePoints
        self.relapseRule = relapseRule
        self.effectEndsAboveFractionOfBaseline = effectEndsAboveFractionOfBaseline
        self.effectEndsAboveScore = effectEndsAboveScore
    }

    /// The defaults: response at a 50% fall [R55-ELEKT][R55-SUS3]; no reliable-change threshold;
    /// relapse and end of effect when the total rises back above 50% of baseline (2 consecutive
    /// observations for relapse), both clinic policy.
    public static let defaults = OutcomePolicy()

    /// Reliable change for PCL-5 is reported as 5–10 points [R51]; a clinic picks its value in this range.
    public static let pcl5ReliableChangeRange = 5...10

    /// Accepted fractions for the response and end-of-effect settings: an input bound, not guidance.
    public static let fractionRange = 0.05...0.95
    /// Accepted reliable-change thresholds in points: an input bound, not guidance.
    public static let reliableChangePointsRange = 1...60
    /// Accepted absolute end-of-effect scores: an input bound (the largest total among the scales), not guidance.
    public static let effectEndsAboveScoreRange = 0...92

    /// The policy, or the field errors that stop it being saved.
    public func validated() throws(FieldErrors) -> OutcomePolicy {
        var errors = FieldErrors()
        let fractions = Self.fractionRange
        let fractionMessage = "Enter a fraction from \(fractions.lowerBound) to \(fractions.upperBound)."
        if !fractions.contains(responseFraction) { errors.add("responseFraction", fractionMessage) }
        if !fractions.contains(effectEndsAboveFractionOfBaseline) {
            errors.add("effectEndsAboveFractionOfBaseline", fractionMessage)
        }
        if !fractions.contains(relapseRule.relapseFractionOfBaseline) {
            errors.add("relapseFractionOfBaseline", fractionMessage)
        }
        if !RelapseRule.consecutiveRange.contains(relapseRule.relapseConsecutive) {
            let range = RelapseRule.consecutiveRange
            errors.add("relapseConsecutive", "Enter a whole number of observations from \(range.lowerBound) to \(range.upperBound).")
        }
        if let points = reliableChangePoints, !Self.reliableChangePointsRange.contains(points) {
            let range = Self.reliableChangePointsRange
            errors.add("reliableChangePoints", "Enter a whole number of points from \(range.lowerBound) to \(range.upperBound), or leave it empty.")
        }
        if let score = effectEndsAboveScore, !Self.effectEndsAboveScoreRange.contains(score) {
            let range = Self.effectEndsAboveScoreRange
            errors.add("effectEndsAboveScore", "Enter a score from \(range.lowerBound) to \(range.upperBound), or leave it empty.")
        }
        try errors.throwIfAny()
        return self
    }
}

/// When a relapse is confirmed: after a response, the total rises above
/// ``relapseFractionOfBaseline`` × baseline on ``relapseConsecutive`` consecutive observations.
///
/// Clinic policy: SUSTAIN-1 reports time to relapse, but its exact (MADRS-based) criterion was
/// not captured in the reference [R55-SUS1], so no published rule is reproduced here. The default,
/// "response lost on 2 consecutive observations", asks for confirmation so one bad day is not
/// called a relapse.
public struct RelapseRule: Equatable, Sendable, Codable {
    /// The total must rise above this fraction of baseline. Default 0.5: the response is lost (clinic policy).
    public var relapseFractionOfBaseline: Double
    /// On this many consecutive observations. Default 2 (clinic policy).
    public var relapseConsecutive: Int

    /// A rule from its two values.
    public init(relapseFractionOfBaseline: Double = 0.5, relapseConsecutive: Int = 2) {
        self.relapseFractionOfBaseline = relapseFractionOfBaseline
        self.relapseConsecutive = relapseConsecutive
    }

    /// The clinic-policy default: above 50% of baseline on 2 consecutive observations.
    public static let defaults = RelapseRule()

    /// Accepted consecutive counts: an input bound, not guidance.
    public static let consecutiveRange = 1...10
}
