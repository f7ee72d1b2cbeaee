import ClinicDomain
import Foundation
import Testing

@Suite("iCalendar writing (RFC 5545) and what each KetaClinic calendar may show")
struct ICalendarTests {
    @Test("TEXT values are escaped", arguments: [
        // RFC 5545 §3.3.11: backslash, semicolon and comma are escaped; a line break becomes \n.
        ("Chair 1", "Chair 1"),
        ("a;b,c\\d", "a\\;b\\,c\\\\d"),
        ("line one\nline two", "line one\\nline two"),
        ("windows\r\nbreak", "windows\\nbreak"),
        // §3.3.11 allows no other control characters in TEXT: they are dropped.
        ("bell\u{07}tab\tend", "belltab end"),
        ("Zoë’s clinic", "Zoë’s clinic"),
    ])
    func escaping(input: String, expected: String) {
        #expect(ICalendarDocument.escaped(input) == expected)
    }

    @Test("Lines fold at 75 octets without splitting a character", arguments: [
        // RFC 5545 §3.1: lines SHOULD NOT exceed 75 octets; fold with CRLF and one space.
        (String(repeating: "a", count: 75), [75]),
        (String(repeating: "a", count: 76), [75, 2]),
        (String(repeating: "a", count: 160), [75, 75, 12]),
        // "é" is two octets: a continuation never starts inside it.
        (String(repeating: "é", count: 40), [74, 7]),
    ])
    func folding(line: String, octets: [Int]) {
        let folded = ICalendarDocument.folded(line)
        let parts = folded.components(separatedBy: "\r\n")
        #expect(parts.map(\.utf8.count) == octets)
        #expect(parts.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(parts.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == line, "unfolding gives the line back")
    }

    @Test("Times are UTC with Z; an all-day entry ends the day after its last day (RFC 5545 §3.3.5, §3.6.1)")
    func times() {
        let start = Date(timeIntervalSince1970: 1_796_637_600) // 2026-12-07 10:00:00 UTC
        #expect(ICalendarDocument.utc(start) == "20261207T100000Z")
        let document = ICalendarDocument(name: "Test", events: [
            CalendarEvent(uid: "a@k", when: .allDay(from: CalendarDate(year: 2026, month: 12, day: 24)!, through: CalendarDate(year: 2026, month: 12, day: 26)!),
                          summary: "Clinic closed"),
        ])
        let text = document.text(stampedAt: start)
        #expect(text.contains("DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n"))
        #expect(text.contains("DTSTAMP:20261207T100000Z\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
    }

    @Test("A chair feed names the treatment type, never the patient; cancelled sessions are marked; closed days are whole days")
    func chairFeed() {
        let session = UUID()
        let start = Date(timeIntervalSince1970: 1_796_637_600)
        let document = CalendarFeeds.chair(named: "Chair 2", clinicName: "Demo Clinic", bookings: [
            ChairFeedBooking(sessionID: session, treatment: .esketamine, startsAt: start, endsAt: start + 7_200, state: .scheduled, updatedAt: start),
            ChairFeedBooking(sessionID: UUID(), treatment: .ivKetamine, startsAt: start + 86_400, endsAt: start + 93_600, state: .cancelled, updatedAt: start),
            ChairFeedBooking(sessionID: UUID(), treatment: .ivKetamine, startsAt: start + 172_800, endsAt: start + 180_000, state: .noShow, updatedAt: start),
        ], closures: [Closure(date: CalendarDate(year: 2026, month: 12, day: 25)!, reason: "Christmas")])
        let summaries = document.events.map(\.summary)
        #expect(summaries == ["Esketamine nasal spray session", "Cancelled: IV ketamine session", "No-show: IV ketamine session", "Clinic closed: Christmas"])
        #expect(document.events.map(\.isCancelled) == [false, true, false, false])
        #expect(document.events[0].uid == "session-\(session.uuidString.lowercased())@ketaclinic")
        let text = document.text(stampedAt: start)
        #expect(text.contains("STATUS:CANCELLED") && text.contains("REFRESH-INTERVAL;VALUE=DURATION:PT60M"))
    }

    @Test("A staff feed lists shifts day by day, leaving out days away and closed days; absences say only Away")
    func staffFeed() throws {
        let nurse = UUID(), other = UUID()
        let monday = CalendarDate(year: 2026, month: 12, day: 7)!
        let span = try #require(DaySpan(start: ClockTime(minutes: 480)!, end: ClockTime(minutes: 1_020)!))
        let shifts = Weekday.mondayToFriday.map { StaffShift(userID: nurse, name: "Nia Nurse", function: .nurse, weekday: $0, span: span) }
            + [StaffShift(userID: other, name: "Other", function: .nurse, weekday: .monday, span: span)]
        let away = try #require(StaffAbsence(userID: nurse, from: monday.adding(days: 2), through: monday.adding(days: 2), reason: "Dentist"))
        let document = CalendarFeeds.staff(named: "Nia Nurse", clinicName: "Demo Clinic", userID: nurse, shifts: shifts, absences: [away],
                                           closures: [Closure(date: monday.adding(days: 4), reason: "Training day")],
                                           from: monday, through: monday.adding(days: 6), timeZone: TimeZone(identifier: "Europe/London")!)
        let shiftDays = document.events.filter { $0.summary == "On shift (Nurse)" }.compactMap { event -> String? in
            if case .timed(let start, _) = event.when { return ICalendarDocument.utc(start) } else { return nil }
        }
        // Mon, Tue, Thu: Wednesday away, Friday closed, weekend no shift; 08:00 in London in December is 08:00 UTC.
        #expect(shiftDays == ["20261207T080000Z", "20261208T080000Z", "20261210T080000Z"])
        #expect(document.events.contains { $0.summary == "Away" })
        #expect(!document.text(stampedAt: Date()).contains("Dentist"), "the reason stays with the schedulers")
    }

    @Test("A patient's file says only 'Appointment at' the clinic and the place")
    func patientFile() {
        let start = Date(timeIntervalSince1970: 1_796_637_600)
        let document = CalendarFeeds.patient(clinicName: "Demo Clinic", place: "1 High Street", appointments: [(UUID(), start, start + 7_200)])
        #expect(document.events.map(\.summary) == ["Appointment at Demo Clinic"])
        #expect(document.events.map(\.location) == ["1 High Street"])
        #expect(document.refreshMinutes == nil)
    }
}
