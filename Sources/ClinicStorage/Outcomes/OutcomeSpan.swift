import ClinicDomain

/// A part of the outcome report's period: whole months, read from the month cube, or the days
/// before the first and after the last whole month, read from the derived rows.
enum OutcomeSpan: Equatable, Sendable {
    /// Days from one to the other, both included.
    case days(CalendarDate, CalendarDate)
    /// Whole months ("YYYY-MM") from one to the other, both included.
    case months(String, String)

    /// The "YYYY-MM" month of a day, as `course_outcomes.start_month` stores it.
    static func month(of day: CalendarDate) -> String { String(day.iso.prefix(7)) }

    /// True for a "YYYY-MM" month text.
    static func isMonth(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 7 && bytes[4] == UInt8(ascii: "-")
            && bytes.enumerated().allSatisfy { $0.offset == 4 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0.element) }
    }

    /// `from`…`to` as the whole months inside it and the days left at either end; empty when
    /// `from` is after `to`.
    static func split(from: CalendarDate, to: CalendarDate) -> [OutcomeSpan] {
        guard from <= to else { return [] }
        let firstWhole = from.day == 1 ? from : CalendarDate(year: from.year, month: from.month, day: 1)!.addingMonth()
        let afterTo = to.adding(days: 1)
        let endWhole = afterTo.day == 1 ? afterTo : CalendarDate(year: to.year, month: to.month, day: 1)!
        // No whole month inside: the days themselves.
        guard firstWhole < endWhole else { return [.days(from, to)] }
        var spans: [OutcomeSpan] = [.months(month(of: firstWhole), month(of: endWhole.adding(days: -1)))]
        if from < firstWhole { spans.append(.days(from, firstWhole.adding(days: -1))) }
        if endWhole <= to { spans.append(.days(endWhole, to)) }
        return spans
    }
}

extension CalendarDate {
    /// The first day of the next month (self must be a first day).
    fileprivate func addingMonth() -> CalendarDate {
        month == 12 ? CalendarDate(year: year + 1, month: 1, day: 1)! : CalendarDate(year: year, month: month + 1, day: 1)!
    }
}
