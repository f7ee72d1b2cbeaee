import ClinicDomain
import Foundation
import Testing

/// Issue 22, point 1: a number from outside must never reach a conversion that traps.
@Suite("Checked numbers: conversions that cannot trap, bounds that name their basis")
struct CheckedNumberTests {
    @Test("Int(saturating:) clamps instead of trapping", arguments: [
        // (value, expected) — Swift's Int(Double) traps on each of the first five.
        (Double.nan, 0),
        (Double.infinity, Int.max),
        (-Double.infinity, Int.min),
        (1e308, Int.max),
        (-1e19, Int.min),
        (9.223372036854775e18, 9_223_372_036_854_774_784),
        (42.9, 42),
        (-42.9, -42),
        (0, 0),
    ])
    func saturating(value: Double, expected: Int) {
        #expect(Int(saturating: value) == expected)
    }

    @Test("Int(rounding:) rounds half away from zero by default and saturates", arguments: [
        (2.5, FloatingPointRoundingRule.toNearestOrAwayFromZero, 3),
        (-2.5, .toNearestOrAwayFromZero, -3),
        (2.1, .up, 3),
        (2.9, .down, 2),
        (1e300, .up, Int.max),
    ])
    func rounding(value: Double, rule: FloatingPointRoundingRule, expected: Int) {
        #expect(Int(rounding: value, rule) == expected)
    }

    @Test("Numbers for people never trap and drop trailing zeros", arguments: [
        (72.5, 1, "72.5"),
        (70.0, 1, "70"),
        (0.25, 2, "0.25"),
        (-0.04, 1, "0"),
        (1e308, 1, "1e+308"),
        (-1e19, 1, "-1e+19"),
        (Double.nan, 1, "–"),
        (Double.infinity, 1, "–"),
    ])
    func plainText(value: Double, digits: Int, expected: String) {
        #expect(NumberText.plain(value, fractionDigits: digits) == expected)
    }

    @Test("A bound refuses non-finite and out-of-range values and names its basis")
    func bound() {
        let bound = InputBound(25...350, unit: "kg", basis: "plausible adult weight")
        var errors = FieldErrors()
        let admitted = errors.require(70, within: bound, field: "kilograms")
        let refused = errors.require(.infinity, within: bound, field: "kilograms")
        #expect(admitted && !refused)
        #expect(errors["kilograms"] == "Enter a value from 25 to 350 kg (plausible adult weight).")
        for value in [Double.nan, 1e308, -1, 24.99, 350.01] { #expect(!bound.admits(value)) }
    }

    @Test("Weights, heights and PK requests with huge values give field errors, not a trap", arguments: [
        1e308, -1e308, 1e19, 9.3e18, .infinity, .nan,
    ])
    func hugeValuesAreFieldErrors(value: Double) {
        let today = CalendarDate(year: 2026, month: 12, day: 6)!
        #expect(throws: FieldErrors.self) { try WeightMeasurement(kilograms: value, measuredOn: today).validated(today: today) }
        #expect(throws: FieldErrors.self) { try HeightMeasurement(centimetres: value, measuredOn: today).validated(today: today) }
        #expect(throws: FieldErrors.self) {
            try PKPreviewRequest(model: .domino, weightKg: 70, doseMg: value, durationMin: 40).validated()
        }
        #expect(throws: FieldErrors.self) {
            try PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: 40, thresholdNgPerMl: value).validated()
        }
    }

    @Test("Tiny positive values that round to nothing are refused, not divided by (found by the fuzz harness)", arguments: [
        1e-320, 1e-300, 0.0001,
    ])
    func tinyValuesAreFieldErrors(value: Double) {
        #expect(throws: FieldErrors.self) { try PKPreviewRequest(model: .domino, weightKg: 70, doseMg: 35, durationMin: value).validated() }
        #expect(!PKPreviewRequest.isAcceptedDuration(value))
        #expect(PKPreviewRequest.isAcceptedDuration(0) && PKPreviewRequest.isAcceptedDuration(40))
    }

    /// Every Double→Int conversion in Sources goes through the saturating forms: a plain
    /// `Int(…)` around arithmetic, rounding or a time interval is refused here, so a new one
    /// cannot land unseen.
    @Test("No unchecked Double→Int conversion in Sources")
    func noTrappingConversions() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let pattern = try Regex(#"\b(U?Int(8|16|32|64)?)\((?!saturating:|rounding:|exactly:|clamping:|truncatingIfNeeded:)[^)\n]*(\.rounded|timeInterval|\* |/ |Double\()"#)
        var offenders: [String] = []
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") && line.contains(pattern) {
                offenders.append("\(url.lastPathComponent):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "Use Int(saturating:) or Int(rounding:): \(offenders.joined(separator: "\n"))")
    }
}
