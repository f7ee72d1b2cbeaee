import Foundation

/// A treatment chair or room that a session occupies for its whole monitored period.
public struct Chair: Codable, Hashable, Sendable, Identifiable {
    /// The chair's id.
    public let id: UUID
    /// Its name on the board and the calendar ("Chair 1", "Room B").
    public var name: String
    /// False once the chair is taken out of service: it keeps its bookings but takes no new ones.
    public var isActive: Bool

    /// Creates a chair.
    public init(id: UUID, name: String, isActive: Bool = true) {
        self.id = id
        self.name = name
        self.isActive = isActive
    }
}

/// The clinic's opening hours: at most one span per weekday; a weekday without one is closed.
public struct OpeningHours: Codable, Equatable, Sendable {
    /// The hours of each open weekday.
    public var days: [Weekday: DaySpan]

    /// Creates opening hours.
    public init(days: [Weekday: DaySpan]) { self.days = days }

    /// Monday to Friday 08:00–18:00: the hours a new clinic starts with (clinic setting).
    public static let standard = OpeningHours(days: Dictionary(uniqueKeysWithValues: Weekday.mondayToFriday.map {
        ($0, DaySpan(start: ClockTime(hour: 8)!, end: ClockTime(hour: 18)!)!)
    }))

    /// The hours on `date`, nil when the clinic is closed that weekday.
    public func hours(on date: CalendarDate) -> DaySpan? { days[date.weekday] }
}

/// A day the clinic is closed (a public holiday, training, a move).
public struct Closure: Codable, Hashable, Sendable {
    /// The day.
    public let date: CalendarDate
    /// Why, as shown on the calendar.
    public let reason: String

    /// Creates a closure.
    public init(date: CalendarDate, reason: String) {
        self.date = date
        self.reason = reason
    }
}

/// What a staff member does on the floor, for the staffing rules of a booking.
public enum StaffFunction: String, Codable, Sendable, CaseIterable {
    /// A prescriber on site: required during esketamine administration and monitoring [R20].
    case prescriber
    /// A nurse watching chairs, up to the clinic's nurse:chair ratio (clinic policy).
    case nurse

    /// The name shown to users.
    public var displayName: String { self == .prescriber ? "Prescriber" : "Nurse" }

    /// The floor function of a staff role, nil for roles that staff no chair.
    public init?(role: Role) {
        switch role {
        case .prescriber: self = .prescriber
        case .nurse: self = .nurse
        case .administrator, .frontDesk: return nil
        }
    }
}

/// One weekly working span of a staff member.
public struct StaffShift: Codable, Hashable, Sendable {
    /// The staff member (a user).
    public let userID: UUID
    /// Their name, for the calendar.
    public let name: String
    /// Prescriber or nurse.
    public let function: StaffFunction
    /// The weekday.
    public let weekday: Weekday
    /// The hours that day.
    public let span: DaySpan

    /// Creates a shift.
    public init(userID: UUID, name: String, function: StaffFunction, weekday: Weekday, span: DaySpan) {
        self.userID = userID
        self.name = name
        self.function = function
        self.weekday = weekday
        self.span = span
    }
}

/// Days a staff member is away (leave, sickness, training), inclusive.
public struct StaffAbsence: Codable, Hashable, Sendable {
    /// The staff member.
    public let userID: UUID
    /// First day away.
    public let from: CalendarDate
    /// Last day away.
    public let through: CalendarDate
    /// Why (kept short; shown to schedulers only).
    public let reason: String

    /// The absence, or nil when it ends before it starts.
    public init?(userID: UUID, from: CalendarDate, through: CalendarDate, reason: String) {
        guard from <= through else { return nil }
        self.userID = userID
        self.from = from
        self.through = through
        self.reason = reason
    }

    /// True when the staff member is away on `date`.
    public func covers(_ date: CalendarDate) -> Bool { from <= date && date <= through }
}
