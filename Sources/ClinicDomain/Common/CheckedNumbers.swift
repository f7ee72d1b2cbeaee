import Foundation

// Swift's `Int(_: Double)` traps on a value that is NaN, infinite or outside `Int`'s range, and a
// trap stops the whole server. Every conversion of a computed or outside number to an integer goes
// through these saturating forms instead, so no input can reach a trapping conversion.

extension Int {
    /// `value` rounded toward zero, with NaN as 0 and anything beyond `Int`'s range clamped to
    /// `Int.min`/`Int.max`: the one Double→Int conversion that cannot stop the process.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9_223_372_036_854_775_807.0 {
            self = .max
        } else if value <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self = Int(value)
        }
    }

    /// `value` rounded by `rule` (to nearest, half away from zero, by default), saturating like
    /// ``init(saturating:)``.
    public init(rounding value: Double, _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        self.init(saturating: value.rounded(rule))
    }
}

extension Int64 {
    /// `value` rounded toward zero, with NaN as 0 and out-of-range values clamped: never traps.
    public init(saturating value: Double) {
        self = Int64(Int(saturating: value))
    }
}

/// Numbers written for people: never traps, whatever the value.
public enum NumberText {
    /// `value` with at most `fractionDigits` decimals and no trailing zeros ("72.5", "70", "0.25");
    /// "–" for a value that is not finite; very large magnitudes in scientific notation ("1e+308").
    public static func plain(_ value: Double, fractionDigits: Int = 1) -> String {
        guard value.isFinite else { return "–" }
        let digits = Swift.min(Swift.max(fractionDigits, 0), 6)
        if abs(value) >= 1e15 { return String(format: "%.3g", value) }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}

extension NumberText {
    /// `value` at full precision without a trailing ".0" ("0.5", "140"), for values a form shows
    /// back to be edited; never traps.
    public static func exact(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(saturating: value)) : String(value)
    }
}

/// A plausible range for a number that comes from outside (a form, the API, the CLI, a file), with
/// what it measures and why the bound holds, so the field error names the bound and its source or policy.
public struct InputBound: Sendable, Equatable {
    /// Values accepted, inclusive.
    public let range: ClosedRange<Double>
    /// The unit shown after the numbers, e.g. "kg"; empty for a pure count.
    public let unit: String
    /// Why the bound holds: a source key from the clinical reference, a clinic policy, or a typing guard.
    public let basis: String

    /// Declares a bound.
    public init(_ range: ClosedRange<Double>, unit: String, basis: String) {
        self.range = range
        self.unit = unit
        self.basis = basis
    }

    /// True when `value` is finite and within the range.
    public func admits(_ value: Double) -> Bool { value.isFinite && range.contains(value) }

    /// The sentence a field error shows when `value` falls outside.
    public var explanation: String {
        let unitText = unit.isEmpty ? "" : " \(unit)"
        return "Enter a value from \(NumberText.plain(range.lowerBound, fractionDigits: 2)) to "
            + "\(NumberText.plain(range.upperBound, fractionDigits: 2))\(unitText) (\(basis))."
    }
}

extension FieldErrors {
    /// Adds `bound`'s explanation under `field` unless `value` is finite and within it; returns whether it was.
    @discardableResult
    public mutating func require(_ value: Double, within bound: InputBound, field: String) -> Bool {
        if bound.admits(value) { return true }
        add(field, bound.explanation)
        return false
    }
}
