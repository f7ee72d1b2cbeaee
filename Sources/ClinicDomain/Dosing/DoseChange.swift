import Foundation

/// Titration: the change from the previous session's dose, with the reason for it.
///
/// No source gives a titration rule for IV ketamine (§1.1: "dose escalation may be necessary"
/// [R5], "up to 0.75 mg/kg" [R3]); esketamine changes in 28 mg steps [R22][R66]. KetaClinic
/// therefore asks for a written reason whenever the dose differs from the last one.
public struct DoseChange: Codable, Equatable, Sendable {
    /// The previous session's dose, when there was one.
    public let previous: Milligrams?
    /// This session's dose.
    public let current: Milligrams
    /// Why it changed; required when it did.
    public let reason: String?

    /// Records a change.
    public init(previous: Milligrams?, current: Milligrams, reason: String?) {
        self.previous = previous
        self.current = current
        let trimmed = reason?.trimmed ?? ""
        self.reason = trimmed.isEmpty ? nil : trimmed
    }

    /// Current minus previous, mg (nil on the first dose).
    public var difference: Milligrams? { previous.map { (current - $0).rounded } }

    /// The change as a percentage of the previous dose, to 0.1% (nil on the first dose or from 0).
    public var percentChange: Double? {
        guard let previous, previous.value > 0 else { return nil }
        return Rounding.halfAwayFromZero((current.value - previous.value) / previous.value * 100, places: 1)
    }

    /// True when the dose differs from the previous one at 0.1 mg precision.
    public var isChange: Bool { difference.map { $0.value != 0 } ?? false }

    /// The change in words, e.g. "+7 mg (+20%) from 35 mg".
    public var summary: String {
        guard let previous, let difference else { return "First dose" }
        guard isChange else { return "Same as last time (\(previous))" }
        let sign = difference.value > 0 ? "+" : "−"
        let percent = percentChange.map { " (\(sign)\(Rounding.text(abs($0), places: 1))%)" } ?? ""
        return "\(sign)\(Milligrams(abs(difference.value))) \(percent) from \(previous)".replacingOccurrences(of: "  ", with: " ")
    }

    /// The change, or a field error on `titrationReason` when the dose changed without a reason.
    public func validated() throws(FieldErrors) -> DoseChange {
        var errors = FieldErrors()
        if isChange && reason == nil {
            errors.add("titrationReason", "The dose differs from the last one (\(summary)); say why.")
        }
        try errors.throwIfAny()
        return self
    }
}

/// Running totals of racemic ketamine or esketamine given (or planned): over a whole course and
/// over the rolling 7 days that end on a date.
public struct CumulativeDose: Equatable, Sendable {
    /// One dose on one date.
    public struct Entry: Equatable, Sendable {
        /// The day it was (or will be) given, in the clinic's time zone.
        public let date: CalendarDate
        /// The dose.
        public let dose: Milligrams
        /// Creates an entry.
        public init(date: CalendarDate, dose: Milligrams) {
            self.date = date
            self.dose = dose
        }
    }

    /// Every dose in the course up to and including the date.
    public let course: Milligrams
    /// Doses on the date and the 6 days before it.
    public let rollingSevenDays: Milligrams

    /// Totals of `entries` as of `date`; later entries are left out.
    public init(_ entries: [Entry], asOf date: CalendarDate) {
        let upToDate = entries.filter { $0.date <= date }
        course = Milligrams(upToDate.reduce(0) { $0 + $1.dose.value }).rounded
        let windowStart = date.adding(days: -6)
        rollingSevenDays = Milligrams(upToDate.filter { $0.date >= windowStart }.reduce(0) { $0 + $1.dose.value }).rounded
    }

    /// The largest rolling 7-day total at any dose date of `entries`.
    public static func largestRollingSevenDays(_ entries: [Entry]) -> Milligrams {
        entries.map { CumulativeDose(entries, asOf: $0.date).rollingSevenDays }.max() ?? .zero
    }
}
