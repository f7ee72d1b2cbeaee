import Foundation

/// A unit a ``Quantity`` is measured in. The unit is a type, so a dose in milligrams can never be
/// passed where a volume in millilitres is expected, and every conversion is spelled out once
/// (in `Conversions.swift`).
public protocol QuantityUnit: Sendable {
    /// The symbol shown after a value, e.g. `mg`.
    static var symbol: String { get }
    /// The documented precision: decimal places a value of this unit is rounded to
    /// whenever it is shown, stored on an order, or used in the next step of a calculation.
    static var decimalPlaces: Int { get }
}

/// A number with a unit. Encodes as a bare JSON number, so the API and the CLI keep plain keys
/// such as `doseMg: 35`.
public struct Quantity<Unit: QuantityUnit>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The value in `Unit`.
    public let value: Double

    /// A quantity of `value` in `Unit`.
    public init(_ value: Double) { self.value = value }

    /// The value rounded to the unit's documented precision (see ``Rounding``).
    public var rounded: Quantity { Quantity(Rounding.halfAwayFromZero(value, places: Unit.decimalPlaces)) }

    /// The value as text at the unit's precision, without trailing zeros ("0.7", "35", "151.1").
    public var formattedValue: String { Rounding.text(value, places: Unit.decimalPlaces) }

    /// The value with its symbol, e.g. "35 mg".
    public var description: String { "\(formattedValue) \(Unit.symbol)" }

    /// True for a finite value greater than zero.
    public var isPositive: Bool { value.isFinite && value > 0 }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.value < rhs.value }
    /// Sum of two quantities of the same unit.
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lhs.value + rhs.value) }
    /// Difference of two quantities of the same unit.
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(lhs.value - rhs.value) }
    /// The quantity scaled by a plain number.
    public static func * (lhs: Quantity, rhs: Double) -> Quantity { Quantity(lhs.value * rhs) }
    /// The zero quantity.
    public static var zero: Quantity { Quantity(0) }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Body weight, kg, to 0.1 kg.
public enum KilogramUnit: QuantityUnit { public static let symbol = "kg"; public static let decimalPlaces = 1 }
/// Height, cm, to 0.1 cm.
public enum CentimetreUnit: QuantityUnit { public static let symbol = "cm"; public static let decimalPlaces = 1 }
/// A dose, mg, to 0.1 mg.
public enum MilligramUnit: QuantityUnit { public static let symbol = "mg"; public static let decimalPlaces = 1 }
/// A volume, mL, to 0.01 mL (the graduation of a 1 mL syringe).
public enum MillilitreUnit: QuantityUnit { public static let symbol = "mL"; public static let decimalPlaces = 2 }
/// A duration, minutes, to 0.1 min.
public enum MinuteUnit: QuantityUnit { public static let symbol = "min"; public static let decimalPlaces = 1 }
/// A weight-based dose, mg/kg, to 0.001 mg/kg.
public enum MilligramPerKilogramUnit: QuantityUnit { public static let symbol = "mg/kg"; public static let decimalPlaces = 3 }
/// A concentration, mg/mL, to 0.001 mg/mL.
public enum MilligramPerMillilitreUnit: QuantityUnit { public static let symbol = "mg/mL"; public static let decimalPlaces = 3 }
/// A pump rate, mL/h, to 0.1 mL/h (the resolution infusion pumps are programmed in).
public enum MillilitrePerHourUnit: QuantityUnit { public static let symbol = "mL/h"; public static let decimalPlaces = 1 }
/// A dose rate, mg/h, to 0.1 mg/h.
public enum MilligramPerHourUnit: QuantityUnit { public static let symbol = "mg/h"; public static let decimalPlaces = 1 }
/// A weight-based dose rate, mg/kg/h, to 0.001 mg/kg/h.
public enum MilligramPerKilogramPerHourUnit: QuantityUnit { public static let symbol = "mg/kg/h"; public static let decimalPlaces = 3 }
/// Body-mass index, kg/m², to 0.1.
public enum BodyMassIndexUnit: QuantityUnit { public static let symbol = "kg/m²"; public static let decimalPlaces = 1 }

/// Body weight in kilograms.
public typealias Kilograms = Quantity<KilogramUnit>
/// Height in centimetres.
public typealias Centimetres = Quantity<CentimetreUnit>
/// A dose in milligrams.
public typealias Milligrams = Quantity<MilligramUnit>
/// A volume in millilitres.
public typealias Millilitres = Quantity<MillilitreUnit>
/// A duration in minutes.
public typealias Minutes = Quantity<MinuteUnit>
/// A weight-based dose in mg/kg.
public typealias MilligramsPerKilogram = Quantity<MilligramPerKilogramUnit>
/// A concentration in mg/mL.
public typealias MilligramsPerMillilitre = Quantity<MilligramPerMillilitreUnit>
/// A pump rate in mL/h.
public typealias MillilitresPerHour = Quantity<MillilitrePerHourUnit>
/// A dose rate in mg/h.
public typealias MilligramsPerHour = Quantity<MilligramPerHourUnit>
/// A weight-based dose rate in mg/kg/h.
public typealias MilligramsPerKilogramPerHour = Quantity<MilligramPerKilogramPerHourUnit>
/// Body-mass index in kg/m².
public typealias BodyMassIndex = Quantity<BodyMassIndexUnit>
