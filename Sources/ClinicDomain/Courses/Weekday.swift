import Foundation

/// A day of the week, Monday first (ISO 8601), for the clinic's working days.
public enum Weekday: Int, CaseIterable, Codable, Sendable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The three-letter name used in forms, settings and the CLI: `mon` … `sun`. Spelt out rather
    /// than taken from the case's name by reflection: the clinic's working days are read on every
    /// request, and reflection was 2 % of a signed write.
    public var code: String {
        switch self {
        case .monday: "mon"
        case .tuesday: "tue"
        case .wednesday: "wed"
        case .thursday: "thu"
        case .friday: "fri"
        case .saturday: "sat"
        case .sunday: "sun"
        }
    }

    /// The full name shown to users.
    public var displayName: String {
        switch self {
        case .monday: "Monday"
        case .tuesday: "Tuesday"
        case .wednesday: "Wednesday"
        case .thursday: "Thursday"
        case .friday: "Friday"
        case .saturday: "Saturday"
        case .sunday: "Sunday"
        }
    }

    /// The weekday named by `code` (`mon`, `Monday`, …), or nil.
    public init?(code: String) {
        let prefix = String(code.trimmed.lowercased().prefix(3))
        guard let day = Weekday.allCases.first(where: { $0.code == prefix }) else { return nil }
        self = day
    }

    /// Monday to Friday: the working week a new clinic starts with.
    public static let mondayToFriday: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension CalendarDate {
    /// The day of the week of this date.
    public var weekday: Weekday {
        // 2000-01-03 was a Monday.
        let offset = CalendarDate.daysBetween(CalendarDate(year: 2000, month: 1, day: 3)!, self) % 7
        return Weekday(rawValue: (offset + 7) % 7 + 1)!
    }
}
