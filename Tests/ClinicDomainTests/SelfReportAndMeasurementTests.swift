import ClinicDomain
import Foundation
import Testing

private func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

@Suite("Self-report codes and links")
struct SelfReportLinkTests {
    @Test("Codes are 10 unambiguous symbols in two groups; typing is forgiving about case and separators")
    func codes() {
        var generator = SystemRandomNumberGenerator()
        let code = SelfReportCode.generate(using: &generator)
        #expect(code.count == 11 && code.dropFirst(5).first == "-")
        #expect(code.replacingOccurrences(of: "-", with: "").allSatisfy(SelfReportCode.symbols.contains))
        #expect(SelfReportCode.normalized(code.lowercased().replacingOccurrences(of: "-", with: " ")) == code)
        #expect(SelfReportCode.normalized("K7M3Q-XW92") == nil, "too short")
        #expect(SelfReportCode.normalized("K7M3Q-XW92O") == nil, "O is not a symbol")
        let many = (0..<200).map { _ in SelfReportCode.generate(using: &generator) }
        #expect(Set(many).count == 200)
    }

    private static let patient = UUID()
    private static let created = Date(timeIntervalSince1970: 1_800_000_000)
    private static func link(usedAt: Date? = nil, failed: Int = 0, revokedAt: Date? = nil) -> SelfReportLink {
        SelfReportLink(id: UUID(), patientID: patient, instruments: [.phq9], createdAt: created, createdByName: "Nurse",
                       expiresAt: created.addingTimeInterval(72 * 3600), usedAt: usedAt, failedChecks: failed, revokedAt: revokedAt)
    }

    @Test("A link opens once, before expiry, for its own patient only", arguments: [
        (link(), 3600.0, patient, nil as SelfReportLink.Refusal?),
        (link(), 73 * 3600.0, patient, .expired),
        (link(usedAt: created.addingTimeInterval(60)), 3600.0, patient, .used),
        (link(revokedAt: created.addingTimeInterval(60)), 3600.0, patient, .revoked),
        (link(failed: SelfReportLink.maximumFailedChecks), 3600.0, patient, .locked),
        (link(), 3600.0, UUID(), .wrongPatient),
    ])
    func redeem(link: SelfReportLink, after seconds: Double, for patientID: UUID, refusal: SelfReportLink.Refusal?) {
        do {
            try link.redeem(for: patientID, at: Self.created.addingTimeInterval(seconds))
            #expect(refusal == nil)
        } catch {
            #expect(error == refusal)
        }
    }

    @Test("The safety policy refuses impossible values and keeps the documented defaults")
    func policy() throws {
        #expect(throws: Never.self) { try SafetyPolicy.defaults.validated() }
        var bad = SafetyPolicy.defaults
        bad.alertRecipients = ["not an email"]
        bad.escalateAfterMinutes = 0
        bad.crisisResources = ["  "]
        do {
            _ = try bad.validated()
            Issue.record("expected errors")
        } catch {
            #expect(Set(error.entries.map(\.field)) == ["alertRecipients", "escalateAfterMinutes", "crisisResources"])
        }
    }
}

@Suite("Measurement schedule around a course")
struct MeasurementPlannerTests {
    /// Sessions Mon 7, Wed 9 (induction) and Mon 21 Dec (maintenance).
    static let sessions = [
        MeasurementPlanner.Session(number: 1, date: date("2026-12-07"), isMaintenance: false),
        MeasurementPlanner.Session(number: 2, date: date("2026-12-09"), isMaintenance: false),
        MeasurementPlanner.Session(number: 3, date: date("2026-12-21"), isMaintenance: true),
        MeasurementPlanner.Session(number: 4, date: date("2026-12-30"), isMaintenance: true),
    ]

    @Test("Baseline, before and after each session, weekly in maintenance; done, due, overdue, upcoming")
    func statuses() {
        let answered: [InstrumentID: [CalendarDate]] = [.phq9: [date("2026-12-05"), date("2026-12-07"), date("2026-12-09")]]
        let due = MeasurementPlanner.due(.standard, sessions: Self.sessions, answered: answered, today: date("2026-12-10"))
        func status(_ timing: MeasurementTiming, _ session: Int?) -> MeasurementDue.Status? {
            due.first { $0.timing == timing && $0.sessionNumber == session }?.status
        }
        #expect(status(.baseline, nil) == .done)                 // 5 Dec, before the first session
        #expect(status(.beforeEachSession, 1) == .done)          // 7 Dec
        #expect(status(.dayAfterEachSession, 1) == .done)        // window 8–9 Dec: the 9 Dec answer counts
        #expect(status(.dayAfterEachSession, 2) == .due)         // due 10 Dec, window to 11 Dec
        #expect(status(.beforeEachSession, 3) == .upcoming)
        let weekly = due.filter { $0.timing == .weeklyInMaintenance }
        #expect(weekly.map(\.dueOn) == [date("2026-12-28")])     // 21 Dec + 7, up to the last session (30 Dec)
    }

    @Test("An answer on the day after a session satisfies its 24-hour measurement; none leaves it overdue")
    func dayAfter() {
        let one = [MeasurementPlanner.Session(number: 1, date: date("2026-12-07"), isMaintenance: false)]
        let rule = MeasurementSchedule(rules: [MeasurementRule(.phq9, .dayAfterEachSession)])
        #expect(MeasurementPlanner.due(rule, sessions: one, answered: [.phq9: [date("2026-12-08")]], today: date("2026-12-20")).first?.status == .done)
        #expect(MeasurementPlanner.due(rule, sessions: one, answered: [.phq9: [date("2026-12-07")]], today: date("2026-12-20")).first?.status == .overdue)
        #expect(MeasurementPlanner.due(rule, sessions: one, answered: [:], today: date("2026-12-06")).first?.status == .upcoming)
    }

    @Test("Demo PHQ-9 answers add up to the total with item 9 as asked")
    func demoAnswers() {
        for total in [0, 5, 19, 24] {
            for item9 in [0, 1] where total >= item9 {
                let answers = DemoIntakeScenarios.phq9Answers(total: total, item9: item9)
                #expect(answers.compactMap { $0 }.reduce(0, +) == total && answers[8] == item9 && answers.allSatisfy { ($0 ?? -1) <= 3 })
            }
        }
        #expect(DemoIntakeScenarios.phq9Answers(total: 27, item9: 0).compactMap { $0 }.reduce(0, +) == 24, "capped, not stuck")
    }
}
