/// The patient's height, which with the weight gives BMI (sleep apnoea with BMI ≥ 35 is an
/// esketamine precaution [R22]) and the weight bases used for dosing (§1.2).
public struct HeightMeasurement: Equatable, Sendable, Codable {
    /// Height in centimetres.
    public var centimetres: Double
    /// The day it was measured.
    public var measuredOn: CalendarDate

    /// Creates a measurement; call ``validated(today:)`` on user input.
    public init(centimetres: Double, measuredOn: CalendarDate) {
        self.centimetres = centimetres
        self.measuredOn = measuredOn
    }

    /// Heights an adult patient can have; outside it the value is a typing error, not a patient.
    public static let plausibleCentimetres = 100.0...250.0

    /// The measurement, or the field errors (a value that looks like metres or inches is named).
    public func validated(today: CalendarDate) throws(FieldErrors) -> HeightMeasurement {
        var errors = FieldErrors()
        if !centimetres.isFinite || centimetres <= 0 {
            errors.add("centimetres", "Enter the height in centimetres, for example 172.")
        } else if (1.0...2.5).contains(centimetres) {
            errors.add("centimetres", "That looks like metres; enter centimetres (\(Int(rounding: centimetres * 100)) cm).")
        } else if (39.0...99.0).contains(centimetres) {
            errors.add("centimetres", "That looks like inches; enter centimetres (\(Int(rounding: centimetres * 2.54)) cm).")
        } else if !Self.plausibleCentimetres.contains(centimetres) {
            errors.add("centimetres", "A height of \(BodyMetrics.format(centimetres)) cm is not possible for an adult; check the value.")
        }
        if measuredOn > today { errors.add("measuredOn", "The measurement date is in the future.") }
        try errors.throwIfAny()
        return self
    }
}

/// One weighing. Doses are weight-based (0.5 mg/kg [R3]), so weights are kept as a dated
/// history and never overwritten.
public struct WeightMeasurement: Equatable, Sendable, Codable {
    /// Weight in kilograms.
    public var kilograms: Double
    /// The day the patient was weighed.
    public var measuredOn: CalendarDate

    /// Creates a measurement; call ``validated(today:)`` on user input.
    public init(kilograms: Double, measuredOn: CalendarDate) {
        self.kilograms = kilograms
        self.measuredOn = measuredOn
    }

    /// Weights a living adult can have; outside it the value is a typing error.
    public static let plausibleKilograms = 25.0...350.0

    /// The measurement, or the field errors.
    public func validated(today: CalendarDate) throws(FieldErrors) -> WeightMeasurement {
        var errors = FieldErrors()
        if !kilograms.isFinite || kilograms <= 0 {
            errors.add("kilograms", "Enter the weight in kilograms, for example 72.5.")
        } else if !Self.plausibleKilograms.contains(kilograms) {
            errors.add("kilograms", "A weight of \(BodyMetrics.format(kilograms)) kg is outside 25–350 kg; check the value and the unit.")
        }
        if measuredOn > today { errors.add("measuredOn", "The weighing date is in the future.") }
        try errors.throwIfAny()
        return self
    }
}

/// Formatting shared by measurement messages and pages.
public enum BodyMetrics {
    /// A number with at most one decimal, without a trailing ".0".
    public static func format(_ value: Double) -> String {
        NumberText.plain(value)
    }

    /// Body-mass index, kg/m², from a weight and a height.
    public static func bodyMassIndex(kilograms: Double, centimetres: Double) -> Double {
        let metres = centimetres / 100
        return kilograms / (metres * metres)
    }
}
