import Foundation

/// The one rounding rule of KetaClinic's arithmetic: round half away from zero to a unit's
/// documented number of decimal places (``QuantityUnit/decimalPlaces``), the rule people use
/// on paper, so a nurse checking an order by hand gets the same figure.
///
/// Binary floating point stores 151.05 as 151.04999…; the value is first snapped to 9 significant
/// decimal places, which removes that representation error without changing any real input.
public enum Rounding {
    /// `value` rounded half away from zero to `places` decimal places.
    public static func halfAwayFromZero(_ value: Double, places: Int) -> Double {
        guard value.isFinite else { return value }
        let scale = pow(10, Double(places))
        let scaled = value * scale
        let magnitude = scaled == 0 ? 0 : floor(log10(abs(scaled)))
        let snapScale = pow(10, max(0, 8 - magnitude))
        let snapped = (scaled * snapScale).rounded() / snapScale
        return snapped.rounded(.toNearestOrAwayFromZero) / scale
    }

    /// `value` rounded to `places` and written without trailing zeros ("0.7", "35", "151.1").
    public static func text(_ value: Double, places: Int) -> String {
        let rounded = halfAwayFromZero(value, places: places)
        var text = String(format: "%.\(places)f", rounded)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
