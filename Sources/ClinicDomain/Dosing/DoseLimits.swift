import Foundation

/// Limits on a weight-based racemic ketamine dose, as in an infusion-pump drug library: past a
/// soft limit the dose needs a written reason; past a hard limit it is refused.
///
/// Every limit is clinic policy and optional (nil = no limit). The defaults each protocol in the
/// built-in library starts with are documented there with their sources.
public struct DoseLimits: Codable, Equatable, Sendable {
    /// Below this, a soft-limit warning (mg/kg).
    public var softMinimumMgPerKg: Double?
    /// Above this, a soft-limit warning (mg/kg).
    public var softMaximumMgPerKg: Double?
    /// Above this, refused (mg/kg).
    public var hardMaximumMgPerKg: Double?
    /// Above this total, refused (mg), whatever the weight.
    public var hardMaximumMg: Double?
    /// Shorter infusions than this need a reason (minutes).
    public var softMinimumMinutes: Double?
    /// Longer infusions than this need a reason (minutes).
    public var softMaximumMinutes: Double?
    /// Shorter infusions than this are refused (minutes).
    public var hardMinimumMinutes: Double?
    /// Longer infusions than this are refused (minutes).
    public var hardMaximumMinutes: Double?

    /// Creates limits; unset ones do not apply.
    public init(softMinimumMgPerKg: Double? = nil, softMaximumMgPerKg: Double? = nil, hardMaximumMgPerKg: Double? = nil,
                hardMaximumMg: Double? = nil, softMinimumMinutes: Double? = nil, softMaximumMinutes: Double? = nil,
                hardMinimumMinutes: Double? = nil, hardMaximumMinutes: Double? = nil) {
        self.softMinimumMgPerKg = softMinimumMgPerKg
        self.softMaximumMgPerKg = softMaximumMgPerKg
        self.hardMaximumMgPerKg = hardMaximumMgPerKg
        self.hardMaximumMg = hardMaximumMg
        self.softMinimumMinutes = softMinimumMinutes
        self.softMaximumMinutes = softMaximumMinutes
        self.hardMinimumMinutes = hardMinimumMinutes
        self.hardMaximumMinutes = hardMaximumMinutes
    }

    /// No limits at all.
    public static let none = DoseLimits()

    /// The warnings for a dose of `mgPerKg` (`dose` in total) over `minutes` (nil for an injection).
    public func check(mgPerKg: MilligramsPerKilogram, dose: Milligrams, minutes: Minutes?) -> [DoseWarning] {
        var warnings: [DoseWarning] = []
        let rate = mgPerKg.value
        if let hard = hardMaximumMgPerKg, rate > hard {
            warnings.append(DoseWarning("hard-limit-dose", .hardLimit,
                "\(mgPerKg) is above the hard limit of \(Self.text(hard)) mg/kg; the dose cannot be ordered."))
        } else if let soft = softMaximumMgPerKg, rate > soft {
            warnings.append(DoseWarning("soft-limit-dose-high", .softLimit,
                "\(mgPerKg) is above the soft limit of \(Self.text(soft)) mg/kg; give a reason to go ahead."))
        }
        if let soft = softMinimumMgPerKg, rate < soft {
            warnings.append(DoseWarning("soft-limit-dose-low", .softLimit,
                "\(mgPerKg) is below the soft limit of \(Self.text(soft)) mg/kg; give a reason to go ahead."))
        }
        if let hard = hardMaximumMg, dose.value > hard {
            warnings.append(DoseWarning("hard-limit-total", .hardLimit,
                "\(dose) is above the hard limit of \(Self.text(hard)) mg per dose; the dose cannot be ordered."))
        }
        guard let minutes else { return warnings }
        if let hard = hardMinimumMinutes, minutes.value < hard {
            warnings.append(DoseWarning("hard-limit-duration", .hardLimit,
                "An infusion over \(minutes) is shorter than the hard limit of \(Self.text(hard)) min."))
        } else if let hard = hardMaximumMinutes, minutes.value > hard {
            warnings.append(DoseWarning("hard-limit-duration", .hardLimit,
                "An infusion over \(minutes) is longer than the hard limit of \(Self.text(hard)) min."))
        } else if let soft = softMinimumMinutes, minutes.value < soft {
            warnings.append(DoseWarning("soft-limit-duration", .softLimit,
                "An infusion over \(minutes) is shorter than the soft limit of \(Self.text(soft)) min; give a reason to go ahead."))
        } else if let soft = softMaximumMinutes, minutes.value > soft {
            warnings.append(DoseWarning("soft-limit-duration", .softLimit,
                "An infusion over \(minutes) is longer than the soft limit of \(Self.text(soft)) min; give a reason to go ahead."))
        }
        return warnings
    }

    /// The limits, or every field whose value is impossible or out of order.
    public func validated() throws(FieldErrors) -> DoseLimits {
        var errors = FieldErrors()
        let named: [(String, Double?)] = [
            ("softMinimumMgPerKg", softMinimumMgPerKg), ("softMaximumMgPerKg", softMaximumMgPerKg),
            ("hardMaximumMgPerKg", hardMaximumMgPerKg), ("hardMaximumMg", hardMaximumMg),
            ("softMinimumMinutes", softMinimumMinutes), ("softMaximumMinutes", softMaximumMinutes),
            ("hardMinimumMinutes", hardMinimumMinutes), ("hardMaximumMinutes", hardMaximumMinutes),
        ]
        for (field, value) in named {
            if let value, !value.isFinite || value <= 0 { errors.add(field, "Enter a number greater than 0, or leave it empty.") }
        }
        func ordered(_ low: Double?, _ high: Double?, _ field: String, _ message: String) {
            if let low, let high, low > high, errors[field] == nil { errors.add(field, message) }
        }
        ordered(softMinimumMgPerKg, softMaximumMgPerKg, "softMaximumMgPerKg", "The soft maximum must not be below the soft minimum.")
        ordered(softMaximumMgPerKg, hardMaximumMgPerKg, "hardMaximumMgPerKg", "The hard maximum must not be below the soft maximum.")
        ordered(softMinimumMinutes, softMaximumMinutes, "softMaximumMinutes", "The soft maximum must not be below the soft minimum.")
        ordered(hardMinimumMinutes, softMinimumMinutes, "softMinimumMinutes", "The soft minimum must not be below the hard minimum.")
        ordered(softMaximumMinutes, hardMaximumMinutes, "hardMaximumMinutes", "The hard maximum must not be below the soft maximum.")
        try errors.throwIfAny()
        return self
    }

    private static func text(_ value: Double) -> String { Rounding.text(value, places: 3) }
}
