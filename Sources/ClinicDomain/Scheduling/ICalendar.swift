import Foundation

/// One calendar entry as a subscribed calendar app shows it: a timed appointment or a whole day.
/// Holds only what the feed's reader may see; the feed builders decide that, not this type.
public struct CalendarEvent: Equatable, Sendable {
    /// When the entry happens: a span of instants, or whole days in the clinic's calendar.
    public enum When: Equatable, Sendable {
        /// From one instant to another (written in UTC).
        case timed(start: Date, end: Date)
        /// Whole days, from the first through the last (inclusive).
        case allDay(from: CalendarDate, through: CalendarDate)
    }

    /// Stable across refreshes, so a calendar app updates a moved entry instead of adding a second one.
    public var uid: String
    /// When.
    public var when: When
    /// The one line a calendar shows.
    public var summary: String
    /// More text, shown when the entry is opened; nil for none.
    public var description: String?
    /// Where; nil for none.
    public var location: String?
    /// True for a cancelled appointment: a subscribed calendar strikes it through or removes it.
    public var isCancelled: Bool
    /// When the entry last changed, for the app's own bookkeeping; nil when unknown.
    public var lastModified: Date?

    /// Creates an entry.
    public init(uid: String, when: When, summary: String, description: String? = nil, location: String? = nil,
                isCancelled: Bool = false, lastModified: Date? = nil) {
        self.uid = uid
        self.when = when
        self.summary = summary
        self.description = description
        self.location = location
        self.isCancelled = isCancelled
        self.lastModified = lastModified
    }
}

/// Writes an iCalendar document (RFC 5545) that calendar apps subscribe to or import: a chair's or a
/// staff member's feed, or a patient's appointments file.
///
/// What the RFC asks and this writer does: CRLF line ends and lines folded at 75 octets without
/// splitting a character (RFC 5545 §3.1); TEXT values escaped (§3.3.11); UTC times written with `Z`
/// (§3.3.5); `PRODID` and `VERSION` on the calendar (§3.7.3, §3.7.4); `UID` and `DTSTAMP` on every
/// event (§3.6.1); `STATUS:CANCELLED` for a cancelled one (§3.8.1.11). The calendar's name and its
/// refresh interval use RFC 7986 (`NAME`, `REFRESH-INTERVAL`), with `X-WR-CALNAME` for older apps.
public struct ICalendarDocument: Sendable {
    /// The name a calendar app gives the subscription.
    public var name: String
    /// How often an app should fetch the feed again; nil for a one-off file.
    public var refreshMinutes: Int?
    /// The entries.
    public var events: [CalendarEvent]

    /// Creates a document.
    public init(name: String, refreshMinutes: Int? = nil, events: [CalendarEvent]) {
        self.name = name
        self.refreshMinutes = refreshMinutes
        self.events = events
    }

    /// The product identifier every KetaClinic calendar carries (RFC 5545 §3.7.3).
    public static let productID = "-//KetaClinic//Clinic calendar//EN"

    /// The document's text, stamped `stampedAt` (each event's `DTSTAMP`).
    public func text(stampedAt: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:\(Self.productID)", "CALSCALE:GREGORIAN",
                     "NAME:\(Self.escaped(name))", "X-WR-CALNAME:\(Self.escaped(name))"]
        if let refreshMinutes {
            lines.append("REFRESH-INTERVAL;VALUE=DURATION:PT\(refreshMinutes)M")
            lines.append("X-PUBLISHED-TTL:PT\(refreshMinutes)M")
        }
        let stamp = Self.utc(stampedAt)
        for event in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:\(Self.escaped(event.uid))")
            lines.append("DTSTAMP:\(stamp)")
            switch event.when {
            case .timed(let start, let end):
                lines.append("DTSTART:\(Self.utc(start))")
                lines.append("DTEND:\(Self.utc(end))")
            case .allDay(let from, let through):
                // DTEND of an all-day entry is the day after the last (RFC 5545 §3.6.1).
                lines.append("DTSTART;VALUE=DATE:\(Self.basic(from))")
                lines.append("DTEND;VALUE=DATE:\(Self.basic(through.adding(days: 1)))")
                lines.append("TRANSP:TRANSPARENT")
            }
            lines.append("SUMMARY:\(Self.escaped(event.summary))")
            if let description = event.description { lines.append("DESCRIPTION:\(Self.escaped(description))") }
            if let location = event.location { lines.append("LOCATION:\(Self.escaped(location))") }
            lines.append("STATUS:\(event.isCancelled ? "CANCELLED" : "CONFIRMED")")
            if let modified = event.lastModified { lines.append("LAST-MODIFIED:\(Self.utc(modified))") }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.folded).joined(separator: "\r\n") + "\r\n"
    }

    /// A TEXT value with backslash, semicolon, comma and line breaks escaped (RFC 5545 §3.3.11).
    /// Other control characters are dropped: the RFC allows none in TEXT.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var previousWasReturn = false
        for scalar in text.unicodeScalars {
            defer { previousWasReturn = scalar == "\r" }
            switch scalar {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\r": result += "\\n"
            case "\n": if !previousWasReturn { result += "\\n" }
            case "\t": result += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// One content line folded so that no line exceeds 75 octets: a CRLF and one space start each
    /// continuation, and a character's UTF-8 bytes are never split (RFC 5545 §3.1).
    public static func folded(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var result = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = String(scalar).utf8.count
            if octets + width > 75 {
                result += "\r\n "
                octets = 1
            }
            result.unicodeScalars.append(scalar)
            octets += width
        }
        return result
    }

    /// An instant as a UTC DATE-TIME, e.g. `20261207T143000Z` (RFC 5545 §3.3.5).
    public static func utc(_ instant: Date) -> String {
        let parts = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// A day as a DATE value, e.g. `20261207` (RFC 5545 §3.3.4).
    public static func basic(_ date: CalendarDate) -> String { date.iso.replacingOccurrences(of: "-", with: "") }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
