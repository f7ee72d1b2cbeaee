import Foundation

/// When a patient would rather come: some weekdays, a window of start times. Empty means any time.
public struct SlotPreference: Codable, Equatable, Sendable {
    /// Preferred weekdays; empty means any open day.
    public var weekdays: Set<Weekday>
    /// Earliest preferred start.
    public var earliest: ClockTime?
    /// Latest preferred start.
    public var latest: ClockTime?

    /// Creates a preference.
    public init(weekdays: Set<Weekday> = [], earliest: ClockTime? = nil, latest: ClockTime? = nil) {
        self.weekdays = weekdays
        self.earliest = earliest
        self.latest = latest
    }

    /// No preference.
    public static let any = SlotPreference()

    /// True when a slot starting at `start` on `date` suits the patient.
    public func accepts(_ date: CalendarDate, _ start: ClockTime) -> Bool {
        (weekdays.isEmpty || weekdays.contains(date.weekday)) && (earliest.map { start >= $0 } ?? true) && (latest.map { start <= $0 } ?? true)
    }
}

/// A session of a signed plan waiting for a slot.
public struct SessionToBook: Hashable, Sendable {
    /// The scheduled session's id.
    public let sessionID: UUID
    /// Its number in the course.
    public let number: Int
    /// The day the signed plan put it on.
    public let plannedDate: CalendarDate

    /// Creates one.
    public init(sessionID: UUID, number: Int, plannedDate: CalendarDate) {
        self.sessionID = sessionID
        self.number = number
        self.plannedDate = plannedDate
    }
}

/// The slot proposed for one session, or why none was found.
public struct ProposedSlot: Hashable, Sendable {
    /// The session.
    public let session: SessionToBook
    /// The booking proposed, nil when no slot was free in the search window.
    public let booking: Booking?
    /// True when the slot suits the patient's preference.
    public let matchesPreference: Bool
    /// Why there is no slot, when there is none.
    public let problem: String?
}

/// Books a course: proposes concrete slots for a signed plan's sessions and checks the intervals
/// between them when one moves.
public enum CourseBooking {
    /// Proposes a slot for each session in order: on or after its planned day, at least the protocol's
    /// minimum days after the previous proposal, within the policy's search window, in the patient's
    /// preferred times where one is free (any free time otherwise), never conflicting with the calendar
    /// or with the proposals before it. The first free chair in calendar order wins; the earliest start
    /// in the day wins.
    public static func propose(_ sessions: [SessionToBook], patientID: UUID, treatment: Treatment, minimumDaysBetweenSessions: Int,
                               preference: SlotPreference, book: ScheduleBook, now: Date) -> [ProposedSlot] {
        var book = book
        for session in sessions { book.remove(sessionID: session.sessionID) }
        let today = CalendarDate(instant: now, in: book.timeZone)
        var previous: CalendarDate?
        var result: [ProposedSlot] = []
        for session in sessions.sorted(by: { $0.number < $1.number }) {
            var earliest = max(session.plannedDate, today)
            if let previous { earliest = max(earliest, previous.adding(days: minimumDaysBetweenSessions)) }
            let found = search(session, from: earliest, patientID: patientID, treatment: treatment, preference: preference, book: book, now: now)
                ?? (preference == .any ? nil : search(session, from: earliest, patientID: patientID, treatment: treatment, preference: .any,
                                                        book: book, now: now))
            if let booking = found {
                book.add(booking)
                previous = booking.slot.date
                result.append(ProposedSlot(session: session, booking: booking,
                                           matchesPreference: preference.accepts(booking.slot.date, booking.slot.span.start), problem: nil))
            } else {
                previous = earliest
                result.append(ProposedSlot(session: session, booking: nil, matchesPreference: false,
                                           problem: "No free chair with the staff it needs from \(earliest.iso) for \(book.policy.searchDays + 1) day(s)."))
            }
        }
        return result
    }

    private static func search(_ session: SessionToBook, from earliest: CalendarDate, patientID: UUID, treatment: Treatment,
                               preference: SlotPreference, book: ScheduleBook, now: Date) -> Booking? {
        let length = book.policy.chairMinutes(for: treatment)
        let step = max(book.policy.slotStepMinutes, 1)
        let activeChairs = book.chairs.filter(\.isActive)
        for offset in 0...max(book.policy.searchDays, 0) {
            let date = earliest.adding(days: offset)
            guard book.closures[date] == nil, let open = book.hours.hours(on: date) else { continue }
            let sameDay = book.bookings(on: date)
            if sameDay.contains(where: { $0.patientID == patientID }) { continue }
            var minute = open.start.minutes
            while minute + length <= open.end.minutes {
                defer { minute += step }
                guard let start = ClockTime(minutes: minute), let end = ClockTime(minutes: minute + length),
                      let span = DaySpan(start: start, end: end), preference.accepts(date, start) else { continue }
                let slot = DaySlot(date: date, span: span)
                if slot.instants(in: book.timeZone).start <= now { continue }
                if treatment == .esketamine && book.staff(.prescriber, coveringWhole: slot).isEmpty { continue }   // [R20]
                let overlapping = sameDay.filter { $0.slot.span.overlaps(span) }
                let nurses = book.staff(.nurse, coveringWhole: slot).count
                if ScheduleBook.peakOverlap(of: span, among: overlapping.map(\.slot.span)) + 1 > nurses * book.policy.chairsPerNurse { continue }
                let taken = Set(overlapping.map(\.chairID))
                if let chair = activeChairs.first(where: { !taken.contains($0.id) }) {
                    return Booking(sessionID: session.sessionID, patientID: patientID, chairID: chair.id, slot: slot, treatment: treatment)
                }
            }
        }
        return nil
    }

    /// Warnings for consecutive sessions closer than the protocol's minimum (the course's dates as they
    /// would stand; `minimumDays` is the protocol's `minimumDaysBetweenSessions`, itself clinic policy
    /// where no source gives one).
    public static func intervalWarnings(_ dates: [(number: Int, date: CalendarDate)], minimumDays: Int) -> [BookingWarning] {
        let ordered = dates.sorted { ($0.date, $0.number) < ($1.date, $1.number) }
        return zip(ordered, ordered.dropFirst()).compactMap { earlier, later in
            let gap = CalendarDate.daysBetween(earlier.date, later.date)
            guard gap < minimumDays else { return nil }
            return BookingWarning(code: "minimum-interval",
                                  message: "Sessions \(earlier.number) and \(later.number) would be \(gap) day(s) apart; "
                                    + "the protocol asks for at least \(minimumDays).")
        }
    }
}
