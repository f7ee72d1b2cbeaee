import Foundation

/// What the esketamine preview is asked for: how many 28 mg devices (1–3, i.e. 28, 56 or 84 mg
/// [R14]) and how to sample the curve. Validate user input with ``validated()``; the field names
/// are the ones the CLI and the API use.
public struct EsketaminePreviewRequest: Equatable, Sendable {
    /// Number of 28 mg devices, given 5 minutes apart [R14].
    public var devices: Int
    /// Last minute of the curve, counted from the first device.
    public var untilMin: Double
    /// Minutes between the curve's points.
    public var stepMin: Double
    /// The concentration, ng/mL, whose time above is reported.
    public var thresholdNgPerMl: Double

    /// Default end of the curve, minutes: 4 hours, the span of the label's "rapid decline over the
    /// first 2–4 h" [R25].
    public static let defaultUntilMin = 240.0   // 2–4 h [R25]

    /// Creates a request; by default sampled every 5 minutes for 4 hours, with the threshold at the
    /// lower edge of the racemic-ketamine dissociation band [R56-Zanos].
    public init(devices: Int, untilMin: Double = EsketaminePreviewRequest.defaultUntilMin, stepMin: Double = 5,
                thresholdNgPerMl: Double = PKPreviewRequest.dissociationBandLowerNgPerMl) {
        self.devices = devices
        self.untilMin = untilMin
        self.stepMin = stepMin
        self.thresholdNgPerMl = thresholdNgPerMl
    }

    /// The number of devices for a dose in mg, or a `doseMg` field error unless it is 28, 56 or 84
    /// mg (whole 28 mg devices [R13][R31], 1–3 per session [R14]).
    public static func devices(forDoseMg doseMg: Double) throws(FieldErrors) -> Int {
        let devices = doseMg / EsketamineAbsorptionModel.milligramsPerDevice
        let range = EsketamineAbsorptionModel.deviceCounts
        guard doseMg.isFinite, devices == devices.rounded(),
              devices >= Double(range.lowerBound), devices <= Double(range.upperBound) else {
            var errors = FieldErrors()
            errors.add("doseMg", "Esketamine is given in 28 mg devices: enter 28, 56 or 84 mg.")
            throw errors
        }
        return Int(saturating: devices)
    }

    /// The request, or every field that is wrong.
    public func validated() throws(FieldErrors) -> EsketaminePreviewRequest {
        var errors = FieldErrors()
        if !EsketamineAbsorptionModel.deviceCounts.contains(devices) {
            errors.add("devices", "Choose 1, 2 or 3 devices (28, 56 or 84 mg).")
        }
        if !stepMin.isFinite || stepMin <= 0 {
            errors.add("stepMin", "Enter a step greater than 0 minutes.")
        }
        let lastDevice = EsketamineAbsorptionModel.deviceMinutes(devices: max(1, min(devices, 3))).last ?? 0
        if !untilMin.isFinite || untilMin <= 0 || untilMin > PKPreviewRequest.maximumUntilMin {
            errors.add("untilMin", "Enter an end minute greater than 0 and at most 1440 (24 hours).")
        } else if untilMin < lastDevice {
            errors.add("untilMin", "The curve must run at least to the last device (minute \(BodyMetrics.format(lastDevice))).")
        } else if stepMin.isFinite, stepMin > 0, untilMin / stepMin > Double(PKPreviewRequest.maximumPointCount) {
            errors.add("stepMin", "That step gives more than 10000 points; use a larger step.")
        }
        errors.require(thresholdNgPerMl, within: PKPreviewRequest.thresholdBound, field: "thresholdNgPerMl")
        try errors.throwIfAny()
        return self
    }
}

/// An APPROXIMATE preview of plasma esketamine after 1–3 intranasal devices, from
/// ``EsketamineAbsorptionModel``: the request, the model and the sampled curve. Every view of it
/// shows ``EsketamineAbsorptionModel/approximateNotice`` and ``disclaimer``.
public struct EsketaminePreview: Equatable, Sendable {
    /// What was asked for (validated).
    public let request: EsketaminePreviewRequest
    /// The model used.
    public let model: EsketamineAbsorptionModel
    /// The sampled curve with its peak and time above the threshold.
    public let curve: ConcentrationCurve

    /// One sentence that says what the preview is; every view of it shows this.
    public static let disclaimer = "Approximate label-based model for a typical adult, not a measurement; "
        + "not for individual dosing decisions."

    /// Validates `request` and computes the preview, or throws every field error.
    public init(_ request: EsketaminePreviewRequest, model: EsketamineAbsorptionModel = .label) throws(FieldErrors) {
        let request = try request.validated()
        self.request = request
        self.model = model
        let devices = request.devices
        curve = ConcentrationCurve(untilMin: request.untilMin, stepMin: request.stepMin,
                                   thresholdNgPerMl: request.thresholdNgPerMl,
                                   breakpoints: EsketamineAbsorptionModel.deviceMinutes(devices: devices)) { minute in
            model.concentrationNgPerMl(atMinute: minute, devices: devices)
        }
    }

    /// Total dose, mg: 28 mg per device [R13][R31].
    public var doseMg: Double { Double(request.devices) * EsketamineAbsorptionModel.milligramsPerDevice }

    /// The minute of the last device, from which the label counts Tmax [R25].
    public var lastDeviceMinute: Double { EsketamineAbsorptionModel.deviceMinutes(devices: request.devices).last ?? 0 }

    /// The predicted concentration in ng/mL at any minute (not only at the curve's points).
    public func concentrationNgPerMl(atMinute minute: Double) -> Double {
        model.concentrationNgPerMl(atMinute: minute, devices: request.devices)
    }
}
