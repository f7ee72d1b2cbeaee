import ClinicDomain
import Foundation
import Testing

private func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
private let utc = TimeZone(identifier: "UTC")!
private let newYork = TimeZone(identifier: "America/New_York")!

/// Three sessions: Monday, Thursday and the next Monday (induction).
private let course = [
    MeasurementPlanner.Session(number: 1, date: day("2026-11-23"), isMaintenance: false),
    MeasurementPlanner.Session(number: 2, date: day("2026-11-26"), isMaintenance: false),
    MeasurementPlanner.Session(number: 3, date: day("2026-11-30"), isMaintenance: false),
]

@Suite("Questionnaire links before sessions: which instruments are due, when the link goes, how long it stays open")
struct QuestionnaireReminderTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let rules: [MeasurementRule]
        let answered: [InstrumentID: [String]]
        let session: Int
        let expected: [InstrumentID]
        var testDescription: String { name }
    }

    // Every vector follows the protocol's measurement schedule (clinic policy: the standard schedule,
    // PHQ-9 at baseline, before each session, 24 h after and weekly in maintenance [R55-ELEKT]) and
    // the reminder rule in docs/scheduling.md (clinic policy).
    @Test("The link carries the self-report instruments still due before this session (clinic policy; schedule [R55-ELEKT])", arguments: [
        Vector(name: "first session: baseline and before-session PHQ-9, sent once", rules: MeasurementSchedule.standard.rules,
               answered: [:], session: 1, expected: [.phq9]),
        Vector(name: "later session: the before-session PHQ-9", rules: MeasurementSchedule.standard.rules,
               answered: [.phq9: ["2026-11-23", "2026-11-24"]], session: 2, expected: [.phq9]),
        Vector(name: "already answered on the session's day: nothing to send", rules: MeasurementSchedule.standard.rules,
               answered: [.phq9: ["2026-11-26"]], session: 2, expected: []),
        Vector(name: "answered the day before does not count as before this session", rules: MeasurementSchedule.standard.rules,
               answered: [.phq9: ["2026-11-25"]], session: 2, expected: [.phq9]),
        Vector(name: "clinician-rated MADRS is never sent; GAD-7 is", rules: [
            MeasurementRule(.madrs, .beforeEachSession), MeasurementRule(.gad7, .beforeEachSession), MeasurementRule(.phq9, .baseline),
        ], answered: [:], session: 3, expected: [.gad7]),
        Vector(name: "baseline only at the first session", rules: [MeasurementRule(.qidsSR16, .baseline)],
               answered: [:], session: 2, expected: []),
        Vector(name: "baseline answered a week before: only the before-session one", rules: [
            MeasurementRule(.qidsSR16, .baseline), MeasurementRule(.phq9, .beforeEachSession),
        ], answered: [.qidsSR16: ["2026-11-16"]], session: 1, expected: [.phq9]),
        Vector(name: "after-session and weekly measurements are not sent before a session", rules: [
            MeasurementRule(.phq9, .dayAfterEachSession), MeasurementRule(.pcl5, .weeklyInMaintenance),
        ], answered: [:], session: 2, expected: []),
    ])
    func instruments(vector: Vector) {
        let date = course[vector.session - 1].date
        let answered = vector.answered.mapValues { $0.map(day) }
        let due = MeasurementPlanner.due(MeasurementSchedule(rules: vector.rules), sessions: course, answered: answered, today: date)
        #expect(QuestionnaireReminder.instruments(due: due, sessionNumber: vector.session, date: date) == vector.expected)
    }

    @Test("The link goes the policy's hours before the start, never before the session's day begins (clinic policy)", arguments: [
        // (start, day, zone, hours before, expected send-after)
        ("2026-11-23T10:00:00Z", "2026-11-23", "UTC", 3, "2026-11-23T07:00:00Z"),
        ("2026-11-23T01:30:00Z", "2026-11-23", "UTC", 3, "2026-11-23T00:00:00Z"),
        ("2026-11-23T13:00:00Z", "2026-11-23", "America/New_York", 12, "2026-11-23T05:00:00Z"),
        ("2026-11-23T20:00:00Z", "2026-11-23", "America/New_York", 1, "2026-11-23T19:00:00Z"),
    ])
    func sendAfter(start: String, date: String, zone: String, hours: Int, expected: String) throws {
        let policy = ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: nil, questionnaireHoursBefore: hours)
        let at = try #require(ISO8601DateFormatter().date(from: start))
        #expect(QuestionnaireReminder.sendAfter(start: at, date: day(date), timeZone: TimeZone(identifier: zone)!, policy: policy)
                == ISO8601DateFormatter().date(from: expected))
    }

    @Test("The link stays open until an hour after the start, within the clinic's link lifetime (clinic policy)", arguments: [
        // (seconds until start, clinic link lifetime, expected hours)
        (7200.0, 72, 3), (7201.0, 72, 4), (600.0, 72, 2), (0.0, 72, 1), (-3600.0, 72, 1), (36_000.0, 4, 4), (Double.infinity, 72, 72), (Double.nan, 72, 1),
    ])
    func lifetime(untilStart: Double, clinicLifetime: Int, expected: Int) {
        let now = Date(timeIntervalSince1970: 1_795_359_600)
        #expect(QuestionnaireReminder.lifetimeHours(now: now, start: now.addingTimeInterval(untilStart), linkLifetimeHours: clinicLifetime) == expected)
    }

    @Test("Policy: questionnaire links on, 3 hours before by default (clinic policy); 1–12 hours; a stored policy without them decodes to the defaults")
    func policy() throws {
        #expect(ReminderPolicy.defaults.questionnaireLinks && ReminderPolicy.defaults.questionnaireHoursBefore == 3)
        for hours in [0, 13, -1] {
            #expect(throws: FieldErrors.self, "\(hours)") {
                _ = try ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: nil, questionnaireHoursBefore: hours).validated()
            }
        }
        #expect(throws: Never.self) { _ = try ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: nil, questionnaireHoursBefore: 12).validated() }
        let old = try JSONDecoder().decode(ReminderPolicy.self, from: Data(#"{"enabled":true,"hoursBefore":48,"place":"Mill Lane"}"#.utf8))
        #expect(old == ReminderPolicy(enabled: true, hoursBefore: 48, place: "Mill Lane", smtp: nil))
        let off = try JSONDecoder().decode(ReminderPolicy.self, from: Data(
            #"{"enabled":true,"hoursBefore":24,"place":"","questionnaireLinks":false,"questionnaireHoursBefore":6}"#.utf8))
        #expect(!off.questionnaireLinks && off.questionnaireHoursBefore == 6)
        let encoded = String(decoding: try JSONEncoder().encode(ReminderPolicy.defaults), as: UTF8.self)
        #expect(encoded.contains(#""questionnaireHoursBefore":3"#) && encoded.contains(#""questionnaireLinks":true"#))
    }

    @Test("The questionnaire message names the clinic, the address and the code, nothing clinical (clinic policy: privacy)")
    func invitation() {
        let text = SelfReportInvitation(clinicName: "Riverside Clinic", address: "https://clinic.example/r/ABCDE-FGHJK", code: "ABCDE-FGHJK")
        #expect(text.body == "Riverside Clinic: please answer your questionnaire at https://clinic.example/r/ABCDE-FGHJK (code ABCDE-FGHJK). It works once.")
        for clinical in ["PHQ", "ketamine", "depression", "dose", "session"] {
            #expect(!(text.body + text.emailSubject + text.smsSubject).contains(clinical), "\(clinical)")
        }
    }
}
