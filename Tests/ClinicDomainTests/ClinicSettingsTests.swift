import ClinicDomain
import Testing

@Suite("Clinic settings and jurisdictions")
struct ClinicSettingsTests {
    @Test("Jurisdiction codes parse to a profile, or are refused", arguments: [
        ("US", "US"), ("us-ny", "US-NY"), ("AU-VIC", "AU-VIC"), ("CA-ON", "CA-ON"), ("GB", "GB"), ("EU-DE", "EU-DE"),
        ("US-XX", nil), ("AU-XYZ", nil), ("GB-ENG", nil), ("FR", nil), ("", nil), ("EU-D3", nil),
    ] as [(String, String?)])
    func jurisdictions(code: String, canonical: String?) {
        #expect(Jurisdiction(code: code)?.code == canonical)
    }

    @Test("Settings are validated field by field")
    func validation() {
        let bad = ClinicSettings(name: " ", timeZone: "Mars/Olympus", jurisdiction: Jurisdiction(code: "GB")!,
                                 mrnPrefix: "TOO-LONG!")
        do {
            _ = try bad.validated()
            Issue.record("invalid settings were accepted")
        } catch {
            #expect(error.entries.map(\.field) == ["name", "timeZone", "mrnPrefix"])
        }
    }

    @Test("Valid settings are trimmed and the prefix upper-cased")
    func normalised() throws {
        let settings = try ClinicSettings(name: "  North Clinic ", timeZone: "Europe/London",
                                          jurisdiction: Jurisdiction(code: "GB")!, mrnPrefix: "nc").validated()
        #expect(settings.name == "North Clinic")
        #expect(settings.mrnPrefix == "NC")
    }

    @Test("The demo clinic's people are the same for the same seed and differ for another")
    func demoDeterminism() {
        let today = CalendarDate(year: 2026, month: 11, day: 22)!
        var first = DemoPatients(seed: 7, today: today)
        var second = DemoPatients(seed: 7, today: today)
        var other = DemoPatients(seed: 8, today: today)
        let a = (0..<50).map { _ in first.next() }
        let b = (0..<50).map { _ in second.next() }
        let c = (0..<50).map { _ in other.next() }
        #expect(a == b)
        #expect(a != c)
        #expect(a.allSatisfy { (18...81).contains($0.dateOfBirth.age(on: today)) })
        #expect(a.allSatisfy { (try? $0.validated(today: today)) != nil })
    }
}
