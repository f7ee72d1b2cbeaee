import ClinicDomain
import Testing

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test("ISO dates parse only when the day exists", arguments: [
        ("2024-02-29", true),   // leap year
        ("2023-02-29", false),  // not a leap year
        ("1900-02-29", false),  // century rule
        ("2000-02-29", true),   // 400-year rule
        ("2026-04-31", false),
        ("2026-13-01", false),
        ("26-01-01", false),
        ("2026-1-01", false),
        ("2026/01/01", false),
        ("", false),
    ])
    func parsing(text: String, valid: Bool) {
        #expect((CalendarDate(iso: text) != nil) == valid)
    }

    @Test("A valid date writes back as the same ISO text, zero-padded", arguments: [
        "2024-02-29", "2000-01-01", "0001-01-01", "0999-10-05", "9999-12-31", "2026-11-09",
    ])
    func writing(text: String) {
        #expect(CalendarDate(iso: text)?.iso == text)
    }

    @Test("Age counts whole years completed", arguments: [
        ("1980-05-17", "2026-05-16", 45),
        ("1980-05-17", "2026-05-17", 46),
        ("2000-02-29", "2025-02-28", 24),
        ("2000-02-29", "2025-03-01", 25),
    ])
    func age(born: String, on day: String, expected: Int) {
        #expect(CalendarDate(iso: born)!.age(on: CalendarDate(iso: day)!) == expected)
    }

    @Test("The clinic's day depends on its time zone")
    func dayInTimeZone() {
        // 2026-11-22 03:30 UTC is still the 21st in New York.
        let instant = Date(timeIntervalSince1970: 1_795_318_200)
        #expect(CalendarDate(instant: instant, in: TimeZone(identifier: "UTC")!).iso == "2026-11-22")
        #expect(CalendarDate(instant: instant, in: TimeZone(identifier: "America/New_York")!).iso == "2026-11-21")
    }
}

import Foundation
