import Foundation

// Every conversion between units, in one place. Each takes exact inputs; callers round the
// result to the unit's precision (``Quantity/rounded``) before using it in the next step.

/// Dose from a weight-based dose and a weight: mg = mg/kg × kg.
public func * (dose: MilligramsPerKilogram, weight: Kilograms) -> Milligrams {
    Milligrams(dose.value * weight.value)
}

/// Volume of drug from a dose and a concentration: mL = mg ÷ mg/mL.
public func / (dose: Milligrams, concentration: MilligramsPerMillilitre) -> Millilitres {
    Millilitres(dose.value / concentration.value)
}

/// Concentration from a dose and a volume: mg/mL = mg ÷ mL.
public func / (dose: Milligrams, volume: Millilitres) -> MilligramsPerMillilitre {
    MilligramsPerMillilitre(dose.value / volume.value)
}

/// Pump rate from a volume and a duration: mL/h = mL ÷ min × 60.
public func / (volume: Millilitres, duration: Minutes) -> MillilitresPerHour {
    MillilitresPerHour(volume.value / duration.value * 60)
}

/// Dose rate from a dose and a duration: mg/h = mg ÷ min × 60.
public func / (dose: Milligrams, duration: Minutes) -> MilligramsPerHour {
    MilligramsPerHour(dose.value / duration.value * 60)
}

/// Weight-based dose rate: mg/kg/h = mg/h ÷ kg.
public func / (rate: MilligramsPerHour, weight: Kilograms) -> MilligramsPerKilogramPerHour {
    MilligramsPerKilogramPerHour(rate.value / weight.value)
}

/// Weight-based dose actually given: mg/kg = mg ÷ kg.
public func / (dose: Milligrams, weight: Kilograms) -> MilligramsPerKilogram {
    MilligramsPerKilogram(dose.value / weight.value)
}

extension BodyMassIndex {
    /// BMI = kg ÷ m².
    public init(weight: Kilograms, height: Centimetres) {
        let metres = height.value / 100
        self.init(weight.value / (metres * metres))
    }
}

extension Centimetres {
    /// The height in inches (1 in = 2.54 cm exactly), as the Devine formula uses it.
    public var inches: Double { value / 2.54 }
}
