import Foundation

/// What a prescriber asks the pharmacokinetic preview for: a model, a patient weight, a dose of
/// racemic ketamine given at a constant rate over some minutes, and how to sample the curve.
///
/// Validate user input with ``validated()``; the field names are the ones the CLI and the API use.
public struct PKPreviewRequest: Equatable, Sendable {
    /// The compartment model.
    public var model: CompartmentModel.Identifier
    /// Body weight, kg; the models' volumes scale with it.
    public var weightKg: Double
    /// Total dose, mg.
    public var doseMg: Double
    /// Infusion duration, minutes; 0 is a bolus.
    public var durationMin: Double
    /// Last minute of the curve; at least the infusion duration.
    public var untilMin: Double
    /// Minutes between the curve's points.
    public var stepMin: Double
    /// The concentration, ng/mL, whose time above is reported.
    public var thresholdNgPerMl: Double

    /// Lower edge of the concentration band associated with dissociation, ng/mL [R56-Zanos].
    public static let dissociationBandLowerNgPerMl = 100.0   // [R56-Zanos]
    /// Upper edge of the concentration band associated with dissociation, ng/mL [R56-Zanos].
    public static let dissociationBandUpperNgPerMl = 250.0   // [R56-Zanos]
    /// Weights accepted, kg: the same plausibility range as a recorded weight
    /// (``WeightMeasurement/plausibleKilograms``).
    public static let plausibleWeightKg = WeightMeasurement.plausibleKilograms
    /// Largest dose the preview accepts, mg. An input-typing guard, not a clinical dose limit
    /// (no source in the reference; dose limits are clinic policy): 1000 mg is above any single
    /// racemic ketamine dose used in a depression clinic, even for a 350 kg patient at 2 mg/kg.
    public static let maximumDoseMg = 1000.0
    /// Longest infusion accepted, minutes (10 hours).
    public static let maximumDurationMin = 600.0
    /// Shortest infusion accepted, minutes, other than 0 (a bolus): a typing guard, since the rate
    /// of an infusion over a fraction of a minute overflows the model.
    public static let minimumInfusionMin = 1.0

    /// True when `minutes` is a duration the preview accepts: 0 (bolus) or 1 to 600 minutes.
    public static func isAcceptedDuration(_ minutes: Double) -> Bool {
        minutes == 0 || (minutes.isFinite && (minimumInfusionMin...maximumDurationMin).contains(minutes))
    }
    /// Latest minute a curve may run to (24 hours).
    public static let maximumUntilMin = 1440.0
    /// Threshold concentrations accepted, ng/mL: a typing guard, not a clinical figure. The
    /// dissociation band tops out at 250 ng/mL [R56-Zanos]; 10,000 ng/mL is far above any curve a
    /// clinic dose can draw, so anything higher is a mistyped unit.
    public static let thresholdBound = InputBound(0.001...10_000, unit: "ng/mL",
                                                  basis: "a typing guard above any clinic concentration [R56-Zanos]")
    /// Most points a curve may have, so a tiny step cannot exhaust memory.
    public static let maximumPointCount = 10_000

    /// Creates a request; the defaults sample every 5 minutes until 2 hours after the infusion ends,
    /// with the threshold at the lower edge of the dissociation band [R56-Zanos].
    public init(model: CompartmentModel.Identifier, weightKg: Double, doseMg: Double, durationMin: Double,
                untilMin: Double? = nil, stepMin: Double = 5,
                thresholdNgPerMl: Double = PKPreviewRequest.dissociationBandLowerNgPerMl) {
        self.model = model
        self.weightKg = weightKg
        self.doseMg = doseMg
        self.durationMin = durationMin
        self.untilMin = untilMin ?? (durationMin.isFinite ? durationMin + 120 : 120)
        self.stepMin = stepMin
        self.thresholdNgPerMl = thresholdNgPerMl
    }

    /// The request, or every field that is wrong.
    public func validated() throws(FieldErrors) -> PKPreviewRequest {
        var errors = FieldErrors()
        if !weightKg.isFinite || !Self.plausibleWeightKg.contains(weightKg) {
            errors.add("weightKg", "Enter a body weight between 25 and 350 kg.")
        }
        if !doseMg.isFinite || doseMg <= 0 {
            errors.add("doseMg", "Enter a dose in mg greater than 0.")
        } else if doseMg > Self.maximumDoseMg {
            errors.add("doseMg", "A dose of \(BodyMetrics.format(doseMg)) mg is above the preview's 1000 mg plausibility cap; check the value and the unit (mg, not µg).")
        }
        if !Self.isAcceptedDuration(durationMin) {
            errors.add("minutes", "Enter 0 for a bolus, or an infusion duration from 1 to 600 minutes.")
        }
        if !stepMin.isFinite || stepMin <= 0 {
            errors.add("stepMin", "Enter a step greater than 0 minutes.")
        }
        if !untilMin.isFinite || untilMin <= 0 || untilMin > Self.maximumUntilMin {
            errors.add("untilMin", "Enter an end minute greater than 0 and at most 1440 (24 hours).")
        } else if durationMin.isFinite, untilMin < durationMin {
            errors.add("untilMin", "The curve must run at least to the end of the infusion (\(BodyMetrics.format(durationMin)) min).")
        } else if stepMin.isFinite, stepMin > 0, untilMin / stepMin > Double(Self.maximumPointCount) {
            errors.add("stepMin", "That step gives more than 10000 points; use a larger step.")
        }
        errors.require(thresholdNgPerMl, within: Self.thresholdBound, field: "thresholdNgPerMl")
        try errors.throwIfAny()
        return self
    }
}
