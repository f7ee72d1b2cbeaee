import Foundation

/// A time of day on the clinic's wall clock, in whole minutes after midnight (0…1440; 1440 is the
/// end of the day, so a closing time can be midnight). Opening hours, shifts and booked slots use it
/// so a day's arithmetic never crosses a daylight-saving change.
public struct ClockTime: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Minutes after midnight.
    public let minutes: Int

    /// The time `minutes` after midnight, or nil outside 0…1440.
    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// The time `hour`:`minute`, or nil when either is out of range.
    public init?(hour: Int, minute: Int = 0) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1440 else { return nil }
        self.minutes = hour * 60 + minute
    }

    /// The time written `HH:MM` (24-hour), or nil.
    public init?(text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        self.init(hour: hour, minute: minute)
    }

    /// `HH:MM`.
    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    /// The time `delta` minutes later, or nil past the end of the day.
    public func adding(minutes delta: Int) -> ClockTime? {
        let (sum, overflow) = minutes.addingReportingOverflow(delta)
        return overflow ? nil : ClockTime(minutes: sum)
    }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ClockTime(text: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected HH:MM, found '\(text)'"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A span of one day on the clinic's wall clock: opening hours, a shift, a booked slot.
public struct DaySpan: Codable, Hashable, Sendable, CustomStringConvertible {
    /// When it starts.
    public let start: ClockTime
    /// When it ends; always after ``start``.
    public let end: ClockTime

    /// The span, or nil when `end` is not after `start`.
    public init?(start: ClockTime, end: ClockTime) {
        guard start < end else { return nil }
        self.start = start
        self.end = end
    }

    /// `HH:MM–HH:MM`.
    public var description: String { "\(start)–\(end)" }

    /// Length in minutes.
    public var minutes: Int { end.minutes - start.minutes }

    /// True when `other` lies wholly inside this span.
    public func contains(_ other: DaySpan) -> Bool { start <= other.start && other.end <= end }

    /// True when the two spans share at least one minute (touching ends do not overlap).
    public func overlaps(_ other: DaySpan) -> Bool { start < other.end && other.start < end }
}

/// A slot on one day: the date and the span, in the clinic's time zone.
public struct DaySlot: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The day.
    public let date: CalendarDate
    /// The span on that day.
    public let span: DaySpan

    /// Creates a slot.
    public init(date: CalendarDate, span: DaySpan) {
        self.date = date
        self.span = span
    }

    /// `YYYY-MM-DD HH:MM–HH:MM`.
    public var description: String { "\(date.iso) \(span)" }

    /// The instants the slot starts and ends, in `timeZone` (a wall-clock time a daylight-saving change
    /// skips resolves to the next valid instant).
    public func instants(in timeZone: TimeZone) -> (start: Date, end: Date) {
        (Self.instant(date, span.start, timeZone), Self.instant(date, span.end, timeZone))
    }

    static func instant(_ date: CalendarDate, _ time: ClockTime, _ timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let midnight = date.startInstant(in: timeZone)
        return calendar.date(byAdding: .minute, value: time.minutes, to: midnight) ?? midnight.addingTimeInterval(Double(time.minutes) * 60)
    }

    public static func < (lhs: DaySlot, rhs: DaySlot) -> Bool {
        (lhs.date, lhs.span.start) < (rhs.date, rhs.span.start)
    }
}
