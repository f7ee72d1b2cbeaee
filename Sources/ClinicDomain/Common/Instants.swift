import Foundation

extension Date {
    /// The instant as whole milliseconds since 1970 UTC: how instants are stored on both engines.
    public var millisecondsSince1970: Int64 { Int64(saturating: (timeIntervalSince1970 * 1000).rounded()) }

    /// The instant stored as `milliseconds` since 1970 UTC.
    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension Date {
    /// The instant in UTC as `YYYY-MM-DDTHH:MM:SS.sssZ`, to the (rounded) millisecond, by integer
    /// arithmetic: an audit entry that lists a batch's readings writes one per reading, and
    /// Foundation's ISO formatter costs more than the rest of the entry. Nil outside the years
    /// 1583–9999 (Foundation writes earlier dates in the Julian calendar).
    public var utcMillisecondText: String? {
        let (seconds, millisecond) = millisecondsSince1970.quotientAndRemainder(dividingBy: 1000)
        return millisecond < 0 ? Self.utcText(seconds: seconds - 1, millisecond: Int(millisecond) + 1000)
            : Self.utcText(seconds: seconds, millisecond: Int(millisecond))
    }

    /// The instant in UTC as `YYYY-MM-DDTHH:MM:SSZ`, the fraction dropped: the same text as
    /// `JSONEncoder`'s `.iso8601` dates, without building a formatter per date (an API answer
    /// listing a gateway's batch writes a hundred). Nil outside the years 1583–9999.
    public var utcSecondText: String? {
        Self.utcText(seconds: Int64(saturating: timeIntervalSince1970.rounded(.down)), millisecond: nil)
    }

    /// 1583-01-01, the first whole year of the Gregorian calendar, which Foundation uses from then on.
    private static let firstGregorianDay = -141_349

    private static func utcText(seconds: Int64, millisecond: Int?) -> String? {
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let dayNumber = Int(days) - (secondOfDay < 0 ? 1 : 0)
        let withinDay = Int(secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay)
        guard dayNumber >= firstGregorianDay, let date = CalendarDate(dayNumber: dayNumber) else { return nil }
        var bytes = Array(date.iso.utf8)
        bytes.reserveCapacity(24)
        bytes.append(UInt8(ascii: "T"))
        CalendarDate.appendDigits(withinDay / 3600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        CalendarDate.appendDigits(withinDay / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        CalendarDate.appendDigits(withinDay % 60, width: 2, to: &bytes)
        if let millisecond {
            bytes.append(UInt8(ascii: "."))
            CalendarDate.appendDigits(millisecond, width: 3, to: &bytes)
        }
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
