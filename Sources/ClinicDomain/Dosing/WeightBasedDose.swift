import Foundation

/// A calculated weight-based racemic ketamine dose: every figure of the order, each rounded to
/// its unit's documented precision, and the warnings that go with it.
///
/// Each figure is computed from the rounded figure before it (weight → dose → drug volume →
/// total volume → rates), so the numbers on the order agree with each other when checked by hand.
public struct WeightBasedDose: Equatable, Sendable {
    /// The validated request.
    public let request: WeightBasedDoseRequest
    /// Ideal body weight (Devine), when height and sex are known.
    public let idealWeight: Kilograms?
    /// Adjusted body weight, when the ideal weight is known.
    public let adjustedWeight: Kilograms?
    /// The weight the dose is calculated on.
    public let dosingWeight: Kilograms
    /// Body-mass index, when the height is known.
    public let bodyMassIndex: BodyMassIndex?
    /// The dose, mg.
    public let dose: Milligrams
    /// Volume drawn from the vial, mL.
    public let drugVolume: Millilitres
    /// The volume infused: the bag plus, by policy, the drug volume (intravenous only).
    public let totalVolume: Millilitres?
    /// The concentration in the bag, drug volume always included (intravenous with a bag only).
    public let infusionConcentration: MilligramsPerMillilitre?
    /// The pump rate (intravenous only).
    public let pumpRate: MillilitresPerHour?
    /// The dose rate (intravenous only).
    public let doseRate: MilligramsPerHour?
    /// The dose rate per kilogram of dosing weight (intravenous only).
    public let doseRatePerKilogram: MilligramsPerKilogramPerHour?
    /// Everything the prescriber must see, most serious first.
    public let warnings: [DoseWarning]

    /// BMI at or above which dosing on actual weight draws a caution [R2].
    public static let obesityCautionBMI = 30.0                // [R2]
    /// Weights outside this range were excluded from an ED ketamine trial [R40].
    public static let trialWeightRangeKg = 45.0...115.0      // [R40]

    /// Calculates the dose for `request` checked against `limits`, or throws the field errors.
    public init(_ request: WeightBasedDoseRequest, limits: DoseLimits = .none) throws(FieldErrors) {
        let request = try request.validated()
        self.request = request
        let actual = request.weight.rounded
        var warnings: [DoseWarning] = []

        var ideal: Kilograms?
        if let height = request.height, let sex = request.sex { ideal = BodyWeights.ideal(height: height.rounded, sex: sex) }
        idealWeight = ideal
        adjustedWeight = ideal.map { BodyWeights.adjusted(actual: actual, ideal: $0) }
        bodyMassIndex = request.height.map { BodyMassIndex(weight: actual, height: $0.rounded).rounded }

        switch request.weightBasis {
        case .actual:
            dosingWeight = actual
        case .ideal, .adjusted:
            let basisWeight = (request.weightBasis == .ideal ? idealWeight : adjustedWeight) ?? actual
            if basisWeight > actual && request.useActualWeightWhenLower {
                dosingWeight = actual
                warnings.append(DoseWarning("actual-weight-lower", .information,
                    "\(request.weightBasis.displayName) (\(basisWeight)) is above the measured weight (\(actual)); "
                    + "the dose uses the measured weight, as clinic policy says."))
            } else {
                dosingWeight = basisWeight
            }
            if let height = request.height, height < BodyWeights.devineBaseHeight {
                warnings.append(DoseWarning("devine-below-five-feet", .caution,
                    "The Devine formula starts at 152.4 cm (5 ft); at \(height.rounded) it is extrapolated. Check the dosing weight."))
            }
        }

        // Devine extrapolated far below 5 ft gives a weight no dose can be based on.
        if !dosingWeight.value.isFinite || dosingWeight.value < WeightMeasurement.plausibleKilograms.lowerBound {
            var errors = FieldErrors()
            errors.add("heightCm", "\(request.weightBasis.displayName) at this height is \(dosingWeight), too low to dose on; "
                       + "check the height or dose on actual weight.")
            throw errors
        }
        if let bmi = bodyMassIndex, bmi.value >= Self.obesityCautionBMI, request.weightBasis == .actual {
            warnings.append(DoseWarning("bmi-actual-weight", .caution,
                "BMI \(bmi.formattedValue) is 30 or more and the dose is on actual weight. Consensus advice (as reported) "
                + "suggests ideal body weight at BMI ≥ 30 because of haemodynamic instability [R2]."))
        }
        if !Self.trialWeightRangeKg.contains(actual.value) {
            warnings.append(DoseWarning("weight-outside-trial-range", .caution,
                "A body weight of \(actual) is outside the 45–115 kg range of an emergency-department ketamine trial [R40]."))
        }

        let dose = (request.dosePerKilogram * dosingWeight).rounded
        self.dose = dose
        drugVolume = (dose / request.vial.concentration).rounded

        switch request.route {
        case .intravenous:
            let duration = request.duration ?? Minutes(0)
            let bag = (request.bagVolume ?? .zero).rounded
            let total = (request.drugVolumeCountsInTotal || bag.value == 0 ? bag + drugVolume : bag).rounded
            totalVolume = total
            infusionConcentration = bag.value > 0 ? (dose / (bag + drugVolume)).rounded : nil
            pumpRate = (total / duration).rounded
            let rate = (dose / duration).rounded
            doseRate = rate
            doseRatePerKilogram = (rate / dosingWeight).rounded
            if request.vial.mustBeDilutedForIntravenousUse {
                if bag.value == 0 {
                    warnings.append(DoseWarning("vial-must-be-diluted", .hardLimit,
                        "The 100 mg/mL strength must be diluted before intravenous use [R32]; add it to a bag or choose another vial."))
                } else {
                    warnings.append(DoseWarning("vial-diluted-in-bag", .information,
                        "The 100 mg/mL strength is diluted in the \(bag) bag, as the label requires for intravenous use [R32]."))
                }
            }
            if request.vial == .tenMgPerMl, bag.value > 0 {
                warnings.append(DoseWarning("vial-not-for-dilution", .caution,
                    "The label says the 10 mg/mL strength is not diluted [R32]; check that adding it to a bag is your clinic's practice."))
            }
        case .intramuscular:
            totalVolume = nil
            infusionConcentration = nil
            pumpRate = nil
            doseRate = nil
            doseRatePerKilogram = nil
        }

        warnings += limits.check(mgPerKg: request.dosePerKilogram, dose: dose,
                                 minutes: request.route == .intravenous ? request.duration : nil)
        self.warnings = warnings.enumerated().sorted { lhs, rhs in
            lhs.element.level != rhs.element.level ? lhs.element.level > rhs.element.level : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
