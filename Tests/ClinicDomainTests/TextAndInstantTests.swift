import ClinicDomain
import Foundation
import Testing

@Suite("Field text trimming and instants written in UTC")
struct TextAndInstantTests {
    @Test("Trimming removes exactly what Foundation's whitespacesAndNewlines removes", arguments: [
        ("", ""), ("120", "120"), (" 120 ", "120"), ("\t\n120\r\n", "120"), ("\u{00A0}72\u{3000}", "72"),
        ("\u{2028}a b\u{2029}", "a b"), ("\u{0085}x\u{200A}", "x"), ("\u{200B}x\u{200B}", "x"), ("\u{FEFF}x", "\u{FEFF}x"),
        ("   ", ""), ("é ", "é"), (" 👩‍⚕️ ", "👩‍⚕️"), ("a\u{0301} ", "a\u{0301}"),
    ])
    func trimmedMatchesFoundation(text: String, expected: String) {
        #expect(text.trimmed == expected)
        #expect(text.trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("Every Basic Multilingual Plane scalar is white space to the trim exactly when Foundation trims it")
    func everyScalarAgrees() {
        var disagreements: [UInt32] = []
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "x" + String(scalar)
            if text.trimmed != text.trimmingCharacters(in: .whitespacesAndNewlines) { disagreements.append(value) }
        }
        #expect(disagreements.isEmpty, "scalars trimmed differently: \(disagreements.map { String($0, radix: 16) })")
    }

    @Test("An instant in UTC to the millisecond", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"), (1_795_000_000_123, "2026-11-18T11:06:40.123Z"), (-1, "1969-12-31T23:59:59.999Z"),
        (-1_500, "1969-12-31T23:59:58.500Z"), (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"), (-12_212_553_600_000, "1583-01-01T00:00:00.000Z"),
    ])
    func utcMillisecondText(milliseconds: Int64, expected: String) {
        #expect(Date(millisecondsSince1970: milliseconds).utcMillisecondText == expected)
    }

    @Test("The millisecond text reads back through Foundation's ISO 8601 parser as the same instant; nil outside 1583–9999")
    func utcMillisecondTextReadsBack() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let date = Date(millisecondsSince1970: Int64.random(in: -2_000_000_000_000...8_000_000_000_000, using: &generator))
            let text = try #require(date.utcMillisecondText)
            #expect(formatter.date(from: text)?.millisecondsSince1970 == date.millisecondsSince1970, "\(text)")
        }
        #expect(Date(millisecondsSince1970: 253_402_300_800_000).utcMillisecondText == nil, "year 10000")
        #expect(Date(millisecondsSince1970: -12_212_553_600_001).utcMillisecondText == nil, "1582: Julian to Foundation")
    }

    @Test("Whole-second UTC text is exactly JSONEncoder's .iso8601 date, the fraction dropped, from 1583 to 9999")
    func utcSecondTextMatchesJSONEncoder() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, 0.9999, 1.5, -0.5, -1.0001, 1_795_000_000.999, -12_212_553_600, 253_402_300_799.9]
        let random = (0..<2_000).map { _ in Double.random(in: -12_212_553_600...253_402_300_799, using: &generator) }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            let foundation = String(decoding: try encoder.encode([date]), as: UTF8.self)
            #expect(try #require(date.utcSecondText) == String(foundation.dropFirst(2).dropLast(2)), "\(seconds)")
        }
        #expect(Date(timeIntervalSince1970: -12_212_553_601).utcSecondText == nil)
        #expect(Date(timeIntervalSince1970: 253_402_300_800).utcSecondText == nil)
    }
}
