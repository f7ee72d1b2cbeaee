import ClinicDomain
import Foundation
import Testing

private func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
private func dates(_ sessions: [ProposedSession]) -> [String] { sessions.map(\.date.iso) }

@Suite("Course planner: working days, spacing, phases")
struct CoursePlannerTests {
    @Test("Weekdays are ISO, Monday first")
    func weekdays() {
        #expect(date("2026-12-07").weekday == .monday)
        #expect(date("2026-12-05").weekday == .saturday)
        #expect(date("2000-01-02").weekday == .sunday)
        #expect(Weekday(code: "Thu") == .thursday)
    }

    @Test("IV induction: 6 infusions at 3 a week over 12 days [R55-Mur], or 2 a week over 3 weeks [R55-ELEKT]", arguments: [
        (CourseFrequency.perWeek(3), ["2026-12-07", "2026-12-09", "2026-12-11", "2026-12-14", "2026-12-16", "2026-12-18"]),
        (.perWeek(2), ["2026-12-07", "2026-12-10", "2026-12-14", "2026-12-17", "2026-12-21", "2026-12-24"]),
    ])
    func ivInduction(frequency: CourseFrequency, expected: [String]) throws {
        let sessions = try CoursePlanner.propose(schedule: ProtocolLibrary.ivStandard.schedule, frequencies: [frequency, .everyWeeks(1)],
                                                 start: date("2026-12-07"), count: 6, workingDays: Weekday.mondayToFriday)
        #expect(dates(sessions) == expected)
        #expect(sessions.allSatisfy { $0.phaseIndex == 0 })
    }

    @Test("A weekend start moves to Monday; boosters follow weekly after the series [R55-Phil]")
    func weekendStartAndBoosters() throws {
        let sessions = try CoursePlanner.propose(schedule: ProtocolLibrary.ivStandard.schedule, start: date("2026-12-05"),
                                                 count: 8, workingDays: Weekday.mondayToFriday)
        #expect(sessions.first?.date.iso == "2026-12-07")
        #expect(dates(sessions).suffix(2) == ["2026-12-25", "2027-01-01"])
        #expect(sessions.last?.phaseName == "Maintenance boosters")
    }

    @Test("Esketamine label schedule: twice weekly weeks 1–4, weekly weeks 5–8, then every 2 weeks [R14][R15][R22]")
    func esketamineLabel() throws {
        let start = date("2026-12-07")
        let sessions = try CoursePlanner.propose(schedule: ProtocolLibrary.esketamineUS.schedule, start: start, count: 14,
                                                 workingDays: Weekday.mondayToFriday)
        let offsets = sessions.map { CalendarDate.daysBetween(start, $0.date) }
        #expect(offsets == [0, 3, 7, 10, 14, 17, 21, 24, 31, 38, 45, 52, 66, 80])
        #expect(sessions.filter { $0.phaseIndex == 0 }.count == 8)
        #expect(sessions.filter { $0.phaseIndex == 1 }.count == 4)
        // No 7 consecutive days ever hold more than 2 sessions.
        for session in sessions {
            let window = sessions.filter { $0.date <= session.date && $0.date >= session.date.adding(days: -6) }
            #expect(window.count <= 2)
        }
    }

    @Test("A Friday start keeps 2 in any 7 days")
    func fridayStart() throws {
        let sessions = try CoursePlanner.propose(schedule: ProtocolLibrary.esketamineUS.schedule, start: date("2026-12-11"), count: 4,
                                                 workingDays: Weekday.mondayToFriday)
        #expect(dates(sessions) == ["2026-12-11", "2026-12-14", "2026-12-18", "2026-12-21"])
    }

    @Test("Working days are respected; none at all is an error")
    func workingDays() throws {
        let sessions = try CoursePlanner.propose(schedule: ProtocolLibrary.ivStandard.schedule, start: date("2026-12-07"), count: 4,
                                                 workingDays: [.tuesday, .thursday])
        #expect(sessions.allSatisfy { [.tuesday, .thursday].contains($0.date.weekday) })
        #expect(dates(sessions) == ["2026-12-08", "2026-12-10", "2026-12-15", "2026-12-17"])
        #expect(throws: CoursePlanner.PlanningError.noWorkingDays) {
            try CoursePlanner.propose(schedule: ProtocolLibrary.ivStandard.schedule, start: date("2026-12-07"), count: 2, workingDays: [])
        }
    }

    @Test("The minimum gap wins over the frequency")
    func minimumGap() throws {
        var schedule = ProtocolLibrary.ivStandard.schedule
        schedule.minimumDaysBetweenSessions = 4
        let sessions = try CoursePlanner.propose(schedule: schedule, start: date("2026-12-07"), count: 3, workingDays: Weekday.mondayToFriday)
        #expect(dates(sessions) == ["2026-12-07", "2026-12-11", "2026-12-15"])
    }

    @Test("Sessions already given keep their spacing and 7-day limit in a replacement course")
    func previousSessions() throws {
        let sessions = try CoursePlanner.propose(schedule: ProtocolLibrary.esketamineUS.schedule, start: date("2026-12-08"), count: 2,
                                                 workingDays: Weekday.mondayToFriday, previous: [date("2026-12-03"), date("2026-12-07")])
        // 7 Dec + 3 days (2 a week) = 10 Dec; 3 and 7 Dec already fill 3–9 Dec.
        #expect(dates(sessions) == ["2026-12-10", "2026-12-14"])
    }

    @Test("Frequency codes round-trip", arguments: ["3/week", "2/week", "every-1-weeks", "every-2-weeks"])
    func frequencyCodes(code: String) throws {
        #expect(try #require(CourseFrequency(code: code)).code == code)
        #expect(CourseFrequency(code: "9/week") == nil)
    }
}

@Suite("Course proposals with doses")
struct CourseProposalTests {
    @Test("Esketamine: day 1 uses the label start, then the target; EU ≥65 starts on 28 mg [R14][R22]", arguments: [
        (ProtocolLibrary.esketamineUS, 40, [56.0, 84, 84]),
        (ProtocolLibrary.esketamineEU, 70, [28.0, 84, 84]),
    ])
    func esketamineDoses(protocol treatmentProtocol: TreatmentProtocol, age: Int, expected: [Double]) throws {
        let proposal = try CourseProposal(protocol: treatmentProtocol, start: date("2026-12-07"), count: 3,
                                          workingDays: Weekday.mondayToFriday, target: .devices(3),
                                          patient: PlanPatient(ageYears: age))
        #expect(proposal.sessions.compactMap(\.doseMg?.value) == expected)
        #expect(proposal.sessions.map(\.devices) == expected.map { Int($0 / 28) })
        #expect(proposal.warnings.isEmpty)
    }

    @Test("IV: every session 35 mg at 70 kg; totals per course and per 7 days")
    func ivTotals() throws {
        let proposal = try CourseProposal(protocol: ProtocolLibrary.ivStandard, start: date("2026-12-07"), count: 6,
                                          workingDays: Weekday.mondayToFriday, target: .mgPerKg(0.5),
                                          patient: PlanPatient(weight: Kilograms(70)))
        #expect(proposal.weightBasedDose?.pumpRate?.value == 151.1)
        #expect(proposal.courseTotal?.value == 210)
        #expect(proposal.largestSevenDayTotal?.value == 105)
        #expect(proposal.sessions.first?.change == "First dose")
        #expect(proposal.sessions.last?.change == "Same as last time (35 mg)")
    }

    @Test("Ketamine without a weight still lays out dates, in mg/kg")
    func noWeight() throws {
        let proposal = try CourseProposal(protocol: ProtocolLibrary.ivStandard, start: date("2026-12-07"), count: 2,
                                          workingDays: Weekday.mondayToFriday, target: .mgPerKg(0.5))
        #expect(proposal.sessions.map(\.mgPerKg) == [0.5, 0.5])
        #expect(proposal.sessions.allSatisfy { $0.doseMg == nil })
    }

    @Test("A course continuing an earlier one has no day-1 start dose [R14]")
    func continuing() throws {
        let proposal = try CourseProposal(protocol: ProtocolLibrary.esketamineUS, start: date("2026-12-10"), count: 2,
                                          workingDays: Weekday.mondayToFriday, target: .devices(3), previousSessions: [date("2026-12-07")])
        #expect(proposal.sessions.compactMap(\.doseMg?.value) == [84, 84])
        #expect(proposal.warnings.isEmpty)
    }

    @Test("A dose that does not fit the protocol is refused")
    func mismatch() {
        #expect(throws: CourseProposalError.targetDoesNotFit) {
            try CourseProposal(protocol: ProtocolLibrary.esketamineUS, start: date("2026-12-07"), count: 2,
                               workingDays: Weekday.mondayToFriday, target: .mgPerKg(0.5))
        }
    }
}

@Suite("Protocol library")
struct ProtocolLibraryTests {
    @Test("Every built-in protocol validates and names its sources")
    func builtInsValidate() throws {
        for treatmentProtocol in ProtocolLibrary.builtIn {
            #expect(throws: Never.self) { try treatmentProtocol.validated() }
            #expect(!treatmentProtocol.sources.isEmpty)
            #expect(treatmentProtocol.schedule.phases.allSatisfy { !$0.sources.isEmpty })
        }
    }

    @Test("IV standard is 0.5 mg/kg over 40 min [R3]; the esketamine course is 12 sessions to week 8 [R15]")
    func defaults() throws {
        let iv = try #require(ProtocolLibrary.ivStandard.weightBased)
        #expect(iv.mgPerKg == 0.5 && iv.minutes == 40)
        #expect(ProtocolLibrary.ivStandard.schedule.defaultSessionCount == 6)
        #expect(ProtocolLibrary.esketamineUS.schedule.defaultSessionCount == 12)
    }

    @Test("A protocol with impossible values names each field")
    func invalidProtocol() {
        var bad = ProtocolLibrary.ivStandard
        bad.id = "X"
        bad.name = " "
        bad.weightBased?.mgPerKg = 2        // above the 1.0 mg/kg hard limit
        bad.weightBased?.limits.softMaximumMgPerKg = 0.05
        do {
            _ = try bad.validated()
            Issue.record("expected errors")
        } catch {
            #expect(Set(error.entries.map(\.field)).isSuperset(of: ["id", "name", "softMaximumMgPerKg"]))
        }
    }
}
