import Foundation

/// A population-model preview of plasma concentrations for a planned racemic ketamine dose:
/// the request, the model and its curve. A prediction for a typical adult, not a measurement,
/// and not a basis for individual dosing decisions.
public struct PKPreview: Equatable, Sendable {
    /// What was asked for (validated).
    public let request: PKPreviewRequest
    /// The model used.
    public let model: CompartmentModel
    /// The exact solution for the patient's weight.
    public let solution: CompartmentSolution
    /// The sampled curve with its peak and time above the threshold.
    public let curve: ConcentrationCurve

    /// One sentence that says what the preview is; every view of it shows this.
    public static let disclaimer = "Population-model preview (published compartment model for a typical adult), "
        + "not a measurement; not for individual dosing decisions."

    /// Validates `request` and computes the preview, or throws every field error.
    public init(_ request: PKPreviewRequest) throws(FieldErrors) {
        let request = try request.validated()
        let model = CompartmentModel.named(request.model)
        let solution = CompartmentSolution(model: model, weightKg: request.weightKg)
        self.request = request
        self.model = model
        self.solution = solution
        curve = ConcentrationCurve(untilMin: request.untilMin, stepMin: request.stepMin,
                                   thresholdNgPerMl: request.thresholdNgPerMl,
                                   breakpoints: [0, request.durationMin]) { minute in
            solution.concentrationNgPerMl(atMinute: minute, doseMg: request.doseMg, durationMin: request.durationMin)
        }
    }

    /// The predicted concentration in ng/mL at any minute (not only at the curve's points).
    public func concentrationNgPerMl(atMinute minute: Double) -> Double {
        solution.concentrationNgPerMl(atMinute: minute, doseMg: request.doseMg, durationMin: request.durationMin)
    }

    /// The same dose over two infusion durations, side by side (by default 40 and 100 minutes).
    /// Both curves run to the same end minute: the later of `request.untilMin` and the longer
    /// duration plus 120 minutes, so they can be drawn on one axis.
    public static func compare(_ request: PKPreviewRequest, durationsMin: (Double, Double) = (40, 100)) throws(FieldErrors) -> PKComparison {
        let until = max(request.untilMin, max(durationsMin.0, durationsMin.1) + 120)
        var first = request, second = request
        first.durationMin = durationsMin.0
        second.durationMin = durationsMin.1
        first.untilMin = until
        second.untilMin = until
        var errors = FieldErrors()
        var previews: [PKPreview] = []
        for candidate in [first, second] {
            do { previews.append(try PKPreview(candidate)) } catch { errors = errors.merging(error) }
        }
        try errors.throwIfAny()
        let firstPreview = previews[0], secondPreview = previews[1]
        return PKComparison(first: firstPreview, second: secondPreview)
    }
}

/// Two previews of the same dose over different infusion durations.
public struct PKComparison: Equatable, Sendable {
    /// The shorter (first-named) infusion, for example 40 minutes.
    public let first: PKPreview
    /// The other infusion, for example 100 minutes.
    public let second: PKPreview

    /// How much lower the second peak is than the first, as a fraction of the first (0.3 = 30% lower).
    public var peakReduction: Double {
        1 - second.curve.cmaxNgPerMl / first.curve.cmaxNgPerMl
    }
}
