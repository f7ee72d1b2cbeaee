import Foundation

/// The self-report questionnaire link sent before a booked session. The treatment protocol's
/// measurement schedule decides what is due (``MeasurementPlanner``): the self-report instruments
/// asked for at baseline (first session) or before each session, not yet answered in their window.
/// The planner counts a before-session answer only on the session's own day, so the link is never
/// sent before that day begins in the clinic's time zone, and it closes an hour after the session's
/// start (the clinic's link lifetime, if shorter, wins).
public enum QuestionnaireReminder {
    /// The self-report instruments to send before session `sessionNumber` on `date`, given what the
    /// measurement schedule has due on that day (computed with `today` = `date`), in schedule order
    /// without repeats. Clinician-rated instruments are never sent (they need the clinician).
    public static func instruments(due: [MeasurementDue], sessionNumber: Int, date: CalendarDate) -> [InstrumentID] {
        var chosen: [InstrumentID] = []
        for item in due where item.status != .done && item.dueOn == date && Instrument.named(item.instrument).isSelfReport {
            let forThisSession: Bool = switch item.timing {
            case .baseline: sessionNumber == 1 || item.sessionNumber == nil
            case .beforeEachSession: item.sessionNumber == sessionNumber
            case .dayAfterEachSession, .weeklyInMaintenance: false
            }
            if forThisSession && !chosen.contains(item.instrument) { chosen.append(item.instrument) }
        }
        return chosen
    }

    /// The earliest instant the link for a session starting at `start` on `date` may go under
    /// `policy`: `questionnaireHoursBefore` hours before the start, but not before midnight of the
    /// session's day in `timeZone` (an answer the day before would not count as before-session).
    public static func sendAfter(start: Date, date: CalendarDate, timeZone: TimeZone, policy: ReminderPolicy) -> Date {
        max(start.addingTimeInterval(-Double(policy.questionnaireHoursBefore) * 3600), date.startInstant(in: timeZone))
    }

    /// Whole hours the link stays open when issued at `now` for a session starting at `start`: until
    /// an hour after the start, rounded up, at least 1 and at most the clinic's `linkLifetimeHours`.
    public static func lifetimeHours(now: Date, start: Date, linkLifetimeHours: Int) -> Int {
        let seconds = start.timeIntervalSince(now)
        // Saturating: a start centuries away (or not a number) cannot trap; the clinic's lifetime caps it anyway.
        let untilStart = seconds > 0 ? Int(rounding: seconds / 3600, .up) : 0
        return max(1, min(untilStart, linkLifetimeHours - 1) + 1)
    }
}
