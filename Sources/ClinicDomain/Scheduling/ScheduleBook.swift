import Foundation

/// The clinic's calendar at one moment: its chairs, hours, closures, staff and the bookings that
/// stand, indexed by day. Judges a candidate booking and proposes slots; pure, so storage loads it
/// and the rules run the same in tests, the server and the benchmark.
public struct ScheduleBook: Sendable {
    /// Chairs, in calendar order.
    public let chairs: [Chair]
    /// Opening hours.
    public let hours: OpeningHours
    /// Closed days.
    public let closures: [CalendarDate: Closure]
    /// Weekly shifts.
    public let shifts: [StaffShift]
    /// Absences.
    public let absences: [StaffAbsence]
    /// Booking rules.
    public let policy: SchedulingPolicy
    /// The clinic's time zone.
    public let timeZone: TimeZone
    private var byDay: [CalendarDate: [Booking]]

    /// A calendar over `bookings` (cancelled and no-show sessions must be left out by the caller).
    public init(chairs: [Chair], hours: OpeningHours, closures: [Closure], shifts: [StaffShift], absences: [StaffAbsence],
                policy: SchedulingPolicy, timeZone: TimeZone, bookings: [Booking]) {
        self.chairs = chairs
        self.hours = hours
        self.closures = Dictionary(closures.map { ($0.date, $0) }, uniquingKeysWith: { first, _ in first })
        self.shifts = shifts
        self.absences = absences
        self.policy = policy
        self.timeZone = timeZone
        self.byDay = Dictionary(grouping: bookings, by: \.slot.date)
    }

    /// The bookings on `date`, by start then chair order.
    public func bookings(on date: CalendarDate) -> [Booking] {
        let order = Dictionary(chairs.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        return (byDay[date] ?? []).sorted { ($0.slot.span.start, order[$0.chairID] ?? .max) < ($1.slot.span.start, order[$1.chairID] ?? .max) }
    }

    /// Adds a booking (for a proposal's later sessions or a what-if).
    public mutating func add(_ booking: Booking) { byDay[booking.slot.date, default: []].append(booking) }

    /// Removes a session's booking (moving it judges the new slot without the old one).
    public mutating func remove(sessionID: UUID) {
        for (day, list) in byDay where list.contains(where: { $0.sessionID == sessionID }) {
            byDay[day] = list.filter { $0.sessionID != sessionID }
        }
    }

    /// Staff of `function` on site for the whole of `slot`.
    public func staff(_ function: StaffFunction, coveringWhole slot: DaySlot) -> Set<UUID> {
        let weekday = slot.date.weekday
        let away = Set(absences.filter { $0.covers(slot.date) }.map(\.userID))
        return Set(shifts.filter { $0.function == function && $0.weekday == weekday && $0.span.contains(slot.span) && !away.contains($0.userID) }
            .map(\.userID))
    }

    /// Every reason `booking` cannot stand beside the calendar's bookings, at `now`; empty when it can.
    public func conflicts(for booking: Booking, now: Date) -> [BookingConflict] {
        var found: [BookingConflict] = []
        let slot = booking.slot
        if slot.instants(in: timeZone).start <= now { found.append(.inThePast) }
        guard let chair = chairs.first(where: { $0.id == booking.chairID }), chair.isActive else {
            return found + [.unknownChair]
        }
        if let closure = closures[slot.date] { found.append(.clinicClosed(reason: closure.reason)) }
        let open = hours.hours(on: slot.date)
        if open.map({ !$0.contains(slot.span) }) ?? true { found.append(.outsideOpeningHours(open)) }
        let sameDay = (byDay[slot.date] ?? []).filter { $0.sessionID != booking.sessionID }
        if let clash = sameDay.first(where: { $0.chairID == booking.chairID && $0.slot.span.overlaps(slot.span) }) {
            found.append(.chairDoubleBooked(chairName: chair.name, with: clash.slot.span))
        }
        if let own = sameDay.first(where: { $0.patientID == booking.patientID }) {
            found.append(.patientAlreadyBooked(own.slot.span))
        }
        if booking.treatment == .esketamine && staff(.prescriber, coveringWhole: slot).isEmpty {   // [R20]
            found.append(.noPrescriberOnSite)
        }
        let nurses = staff(.nurse, coveringWhole: slot).count
        let inUse = Self.peakOverlap(of: slot.span, among: sameDay.map(\.slot.span)) + 1
        if inUse > nurses * policy.chairsPerNurse {
            found.append(.nurseOverRatio(nurses: nurses, chairsPerNurse: policy.chairsPerNurse, chairsInUse: inUse))
        }
        return found
    }

    /// The most of `others` running at one moment inside `span` (a sweep over start and end points).
    static func peakOverlap(of span: DaySpan, among others: [DaySpan]) -> Int {
        var points: [(Int, Int)] = []
        for other in others where other.overlaps(span) {
            points.append((max(other.start.minutes, span.start.minutes), 1))
            points.append((min(other.end.minutes, span.end.minutes), -1))
        }
        points.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }   // an end before a start at the same minute
        var running = 0, peak = 0
        for (_, delta) in points {
            running += delta
            peak = max(peak, running)
        }
        return peak
    }
}
