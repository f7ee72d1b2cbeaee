import Foundation

/// A weight-based dose as it is written on an order, stored on a signed plan and printed by
/// `ketaclinic dose --json`: every figure at its documented precision, with plain keys.
public struct DoseOrder: Codable, Equatable, Sendable {
    /// Intravenous or intramuscular.
    public let route: DoseRoute
    /// Which weight the dose uses.
    public let weightBasis: WeightBasis
    /// Measured weight, kg.
    public let actualWeightKg: Double
    /// Ideal body weight (Devine), kg, when height and sex are known.
    public let idealWeightKg: Double?
    /// Adjusted body weight, kg, when height and sex are known.
    public let adjustedWeightKg: Double?
    /// The weight the dose is calculated on, kg.
    public let dosingWeightKg: Double
    /// BMI, when the height is known.
    public let bmi: Double?
    /// Ordered mg/kg.
    public let mgPerKg: Double
    /// Dose, mg.
    public let doseMg: Double
    /// Vial strength, mg/mL.
    public let vialMgPerMl: Int
    /// Drug volume drawn, mL.
    public let drugVolumeMl: Double
    /// Bag volume, mL (intravenous with a bag).
    public let bagMl: Double?
    /// Whether the drug volume counts in the infused total.
    public let drugVolumeCountsInTotal: Bool
    /// Volume infused, mL (intravenous).
    public let totalVolumeMl: Double?
    /// Concentration in the bag, mg/mL (intravenous with a bag).
    public let infusionMgPerMl: Double?
    /// Infusion duration, minutes (intravenous).
    public let minutes: Double?
    /// Pump rate, mL/h (intravenous).
    public let pumpRateMlPerHour: Double?
    /// Dose rate, mg/h (intravenous).
    public let doseRateMgPerHour: Double?
    /// Dose rate, mg/kg/h (intravenous).
    public let doseRateMgPerKgPerHour: Double?
    /// Warnings, most serious first.
    public let warnings: [DoseWarning]
}

extension WeightBasedDose {
    /// The calculation as an order.
    public var order: DoseOrder {
        DoseOrder(route: request.route, weightBasis: request.weightBasis, actualWeightKg: request.weight.rounded.value,
                  idealWeightKg: idealWeight?.value, adjustedWeightKg: adjustedWeight?.value,
                  dosingWeightKg: dosingWeight.value, bmi: bodyMassIndex?.value,
                  mgPerKg: request.dosePerKilogram.rounded.value, doseMg: dose.value, vialMgPerMl: request.vial.rawValue,
                  drugVolumeMl: drugVolume.value,
                  bagMl: request.route == .intravenous ? (request.bagVolume?.rounded.value ?? 0) : nil,
                  drugVolumeCountsInTotal: request.drugVolumeCountsInTotal, totalVolumeMl: totalVolume?.value,
                  infusionMgPerMl: infusionConcentration?.value,
                  minutes: request.route == .intravenous ? request.duration?.rounded.value : nil,
                  pumpRateMlPerHour: pumpRate?.value, doseRateMgPerHour: doseRate?.value,
                  doseRateMgPerKgPerHour: doseRatePerKilogram?.value, warnings: warnings)
    }
}
