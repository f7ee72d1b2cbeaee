import ClinicDomain
import Foundation
import Testing

private func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
private func time(_ text: String) -> ClockTime { ClockTime(text: text)! }
private func slot(_ date: String, _ start: String, _ end: String) -> DaySlot {
    DaySlot(date: day(date), span: DaySpan(start: time(start), end: time(end))!)
}

/// A small clinic: three chairs, Monday–Friday 08:00–18:00, one nurse every weekday (away on
/// Tuesday 24 November), a prescriber on Mondays and Wednesdays, closed Thursday 26 November.
/// "Now" is Sunday 22 November 2026, 15:00 UTC.
private enum Clinic {
    static let now = Date(timeIntervalSince1970: 1_795_359_600)
    static let chairs = [Chair(id: UUID(), name: "Chair 1"), Chair(id: UUID(), name: "Chair 2"), Chair(id: UUID(), name: "Chair 3"),
                         Chair(id: UUID(), name: "Old chair", isActive: false)]
    static let nurse = UUID(), prescriber = UUID()
    static let patientX = UUID(), patientY = UUID(), patientA = UUID()
    static let fullDay = DaySpan(start: ClockTime(hour: 8)!, end: ClockTime(hour: 18)!)!
    static var shifts: [StaffShift] {
        Weekday.mondayToFriday.map { StaffShift(userID: nurse, name: "N. Nurse", function: .nurse, weekday: $0, span: fullDay) }
            + [Weekday.monday, .wednesday].map { StaffShift(userID: prescriber, name: "Dr P", function: .prescriber, weekday: $0, span: fullDay) }
    }
    static func book(_ bookings: [Booking] = existing) -> ScheduleBook {
        ScheduleBook(chairs: chairs, hours: .standard, closures: [Closure(date: day("2026-11-26"), reason: "Thanksgiving")], shifts: shifts,
                     absences: [StaffAbsence(userID: nurse, from: day("2026-11-24"), through: day("2026-11-24"), reason: "training")!],
                     policy: .defaults, timeZone: TimeZone(identifier: "UTC")!, bookings: bookings)
    }
    static let existing = [
        Booking(sessionID: UUID(), patientID: patientX, chairID: chairs[0].id, slot: slot("2026-11-23", "09:00", "11:00"), treatment: .ivKetamine),
        Booking(sessionID: UUID(), patientID: patientY, chairID: chairs[1].id, slot: slot("2026-11-23", "10:00", "12:00"), treatment: .ivKetamine),
    ]
}

@Suite("Scheduling: clock times, conflicts, slot proposals, intervals")
struct SchedulingTests {
    @Test("Clock times parse HH:MM within the day; spans need an end after the start", arguments: [
        ("08:00", 480), ("8:30", 510), ("24:00", 1440), ("00:00", 0),
    ])
    func clockTimes(text: String, minutes: Int) {
        #expect(ClockTime(text: text)?.minutes == minutes)
    }

    @Test("Times outside the day and spans that end before they start are refused", arguments: ["24:01", "25:00", "12:60", "noon", "-1:00", ""])
    func badClockTimes(text: String) {
        #expect(ClockTime(text: text) == nil)
        #expect(DaySpan(start: time("10:00"), end: time("09:00")) == nil)
        #expect(DaySpan(start: time("10:00"), end: time("10:00")) == nil)
    }

    /// (what, chair index or nil for an unknown chair, patient, slot, treatment, expected codes, source)
    static let conflictVectors: [(String, Int?, UUID, DaySlot, Treatment, [String], String)] = [
        ("free chair beside one other", 2, Clinic.patientA, slot("2026-11-23", "12:00", "14:00"), .ivKetamine, [], "clinic policy 1:2"),
        ("chair held by X, and a third chair for one nurse", 0, Clinic.patientA, slot("2026-11-23", "10:00", "12:00"), .ivKetamine,
         ["chair-double-booked", "nurse-over-ratio"], "clinic policy 1:2"),
        ("a third chair while X and Y overlap", 2, Clinic.patientA, slot("2026-11-23", "10:30", "12:30"), .ivKetamine, ["nurse-over-ratio"],
         "clinic policy 1:2"),
        ("touching ends do not overlap", 2, Clinic.patientA, slot("2026-11-23", "11:00", "13:00"), .ivKetamine, [], "clinic policy 1:2"),
        ("before opening, when no nurse is on shift either", 2, Clinic.patientA, slot("2026-11-23", "07:00", "09:00"), .ivKetamine,
         ["outside-opening-hours", "nurse-over-ratio"], "clinic setting; clinic policy 1:2"),
        ("a Saturday, with nobody on shift", 2, Clinic.patientA, slot("2026-11-28", "10:00", "12:00"), .ivKetamine,
         ["outside-opening-hours", "nurse-over-ratio"], "clinic setting; clinic policy 1:2"),
        ("a closure", 2, Clinic.patientA, slot("2026-11-26", "10:00", "12:00"), .ivKetamine, ["clinic-closed"], "clinic setting"),
        ("esketamine on a day with no prescriber", 2, Clinic.patientA, slot("2026-11-27", "10:00", "12:00"), .esketamine,
         ["no-prescriber-on-site"], "[R20]"),
        ("esketamine with the prescriber on site", 2, Clinic.patientA, slot("2026-11-23", "12:00", "14:00"), .esketamine, [], "[R20]"),
        ("the only nurse is away", 2, Clinic.patientA, slot("2026-11-24", "10:00", "12:00"), .ivKetamine, ["nurse-over-ratio"],
         "clinic policy 1:2"),
        ("the patient is already booked that day", 2, Clinic.patientX, slot("2026-11-23", "14:00", "16:00"), .ivKetamine,
         ["patient-already-booked"], "clinic policy"),
        ("an unknown chair", nil, Clinic.patientA, slot("2026-11-23", "14:00", "16:00"), .ivKetamine, ["unknown-chair"], "clinic setting"),
        ("a chair out of service", 3, Clinic.patientA, slot("2026-11-23", "14:00", "16:00"), .ivKetamine, ["unknown-chair"], "clinic setting"),
        ("a slot that has started", 2, Clinic.patientA, slot("2026-11-22", "14:00", "16:00"), .ivKetamine,
         ["in-the-past", "outside-opening-hours", "nurse-over-ratio"], "clinic setting"),
    ]

    @Test("A candidate booking is judged against the calendar", arguments: conflictVectors)
    func conflicts(vector: (String, Int?, UUID, DaySlot, Treatment, [String], String)) {
        let (what, chairIndex, patient, slot, treatment, expected, source) = vector
        let chairID = chairIndex.map { Clinic.chairs[$0].id } ?? UUID()
        let booking = Booking(sessionID: UUID(), patientID: patient, chairID: chairID, slot: slot, treatment: treatment)
        let found = Clinic.book().conflicts(for: booking, now: Clinic.now).map(\.code)
        #expect(found == expected, "\(what) (\(source))")
    }

    @Test("Reasons read as sentences with their source")
    func reasons() {
        #expect(BookingConflict.noPrescriberOnSite.description.contains("[R20]"))
        #expect(BookingConflict.nurseOverRatio(nurses: 1, chairsPerNurse: 2, chairsInUse: 3).description
            == "1 nurse(s) on shift may watch 2 chair(s) at 1:2 (clinic policy); this would make 3.")
        #expect(BookingConflict.chairDoubleBooked(chairName: "Chair 1", with: DaySpan(start: time("09:00"), end: time("11:00"))!).description
            == "Chair 1 is already booked 09:00–11:00.")
    }

    private func sessions(_ dates: [String]) -> [SessionToBook] {
        dates.enumerated().map { SessionToBook(sessionID: UUID(), number: $0 + 1, plannedDate: day($1)) }
    }

    /// (what, planned dates, treatment, preference, expected "date time chair", source)
    static let proposalVectors: [(String, [String], Treatment, SlotPreference, [String], String)] = [
        ("an IV induction, 3 a week, on its planned days around the two bookings already there",
         ["2026-11-23", "2026-11-25", "2026-11-27", "2026-11-30", "2026-12-02", "2026-12-04"], .ivKetamine, .any,
         ["2026-11-23 08:00 Chair 2", "2026-11-25 08:00 Chair 1", "2026-11-27 08:00 Chair 1", "2026-11-30 08:00 Chair 1",
          "2026-12-02 08:00 Chair 1", "2026-12-04 08:00 Chair 1"], "[R55-Mur]"),
        ("a closure and the minimum interval push sessions on", ["2026-11-25", "2026-11-26", "2026-11-26"], .ivKetamine, .any,
         ["2026-11-25 08:00 Chair 1", "2026-11-27 08:00 Chair 1", "2026-11-30 08:00 Chair 1"], "protocol minimum 2 days [R55-Mur]"),
        ("afternoons preferred", ["2026-11-23", "2026-11-25"], .ivKetamine, SlotPreference(earliest: ClockTime(hour: 13)),
         ["2026-11-23 13:00 Chair 1", "2026-11-25 13:00 Chair 1"], "patient preference"),
        ("esketamine only where a prescriber is on site, twice a week", ["2026-11-24", "2026-11-27"], .esketamine, .any,
         ["2026-11-25 08:00 Chair 1", "2026-11-30 08:00 Chair 1"], "[R20][R14]"),
    ]

    @Test("Slots proposed for a signed plan's sessions", arguments: proposalVectors)
    func proposals(vector: (String, [String], Treatment, SlotPreference, [String], String)) {
        let (what, planned, treatment, preference, expected, source) = vector
        let book = Clinic.book()
        let proposed = CourseBooking.propose(sessions(planned), patientID: Clinic.patientA, treatment: treatment, minimumDaysBetweenSessions: 2,
                                             preference: preference, book: book, now: Clinic.now)
        let names = Dictionary(uniqueKeysWithValues: Clinic.chairs.map { ($0.id, $0.name) })
        let shown = proposed.map { p in p.booking.map { "\($0.slot.date.iso) \($0.slot.span.start) \(names[$0.chairID]!)" } ?? "none" }
        #expect(shown == expected, "\(what) (\(source))")
        for booking in proposed.compactMap(\.booking) {
            #expect(book.conflicts(for: booking, now: Clinic.now).isEmpty, "\(what): a proposal must stand on the calendar")
            #expect(booking.slot.span.minutes == SchedulingPolicy.defaults.chairMinutes(for: treatment))
        }
    }

    @Test("With no free slot in the window the session says why")
    func noSlot() {
        let book = ScheduleBook(chairs: Clinic.chairs, hours: .standard, closures: [], shifts: [], absences: [], policy: .defaults,
                                timeZone: TimeZone(identifier: "UTC")!, bookings: [])
        let proposed = CourseBooking.propose(sessions(["2026-11-23"]), patientID: Clinic.patientA, treatment: .ivKetamine,
                                             minimumDaysBetweenSessions: 2, preference: .any, book: book, now: Clinic.now)
        #expect(proposed.first?.booking == nil)
        #expect(proposed.first?.problem?.contains("2026-11-23") == true)
    }

    @Test("Moving a session warns when the protocol's minimum interval would be broken", arguments: [
        (["2026-11-23", "2026-11-25", "2026-11-27"], 2, 0),
        (["2026-11-23", "2026-11-24", "2026-11-27"], 2, 1),
        (["2026-11-23", "2026-11-23", "2026-11-24"], 2, 2),
        (["2026-11-23", "2026-11-26"], 3, 0),
    ])
    func intervals(dates: [String], minimum: Int, warnings: Int) {
        let found = CourseBooking.intervalWarnings(dates.enumerated().map { ($0 + 1, day($1)) }, minimumDays: minimum)
        #expect(found.count == warnings, "protocol minimum \(minimum) days [R55-Mur]")
        #expect(found.allSatisfy { $0.code == "minimum-interval" })
    }

    @Test("Preconditions: esketamine needs REMS enrolment [R19][R21]; IV needs a current screening (clinic policy); both a signed plan",
          arguments: [
        (Treatment.esketamine, false, true, "2027-01-01", ["rems-not-enrolled"]),
        (.esketamine, true, true, nil, []),
        (.ivKetamine, false, true, "2026-11-20", ["screening-expired"]),
        (.ivKetamine, false, false, nil, ["plan-not-signed", "screening-missing"]),
        (.ivKetamine, false, true, "2026-11-23", []),
    ] as [(Treatment, Bool, Bool, String?, [String])])
    func preconditions(treatment: Treatment, rems: Bool, plan: Bool, validThrough: String?, expected: [String]) {
        let facts = BookingPreconditions(remsEnrolled: rems, planSigned: plan, screeningValidThrough: validThrough.map(day))
        #expect(facts.warnings(for: treatment, on: day("2026-11-23")).map(\.code) == expected)
    }

    /// (treatment, REMS applies, enrolled, screening valid through, check-in day, hard stops, source)
    static let checkInVectors: [(Treatment, Bool, Bool, String?, String, [String], String)] = [
        (.esketamine, true, false, "2027-01-01", "2026-11-23", ["rems-not-enrolled"], "[R19][R21] enrol before the first treatment"),
        (.esketamine, true, true, nil, "2026-11-23", [], "[R19][R21] enrolled; the screening rule is for IV and IM"),
        (.esketamine, false, false, nil, "2026-11-23", [], "[R20] the REMS is a US programme"),
        (.ivKetamine, true, false, "2026-11-22", "2026-11-23", ["screening-expired"], "clinic policy screeningValidDays"),
        (.ivKetamine, true, false, "2026-11-23", "2026-11-23", [], "clinic policy: valid through the day itself"),
        (.imKetamine, true, false, nil, "2026-11-23", ["screening-missing"], "clinic policy"),
    ]

    @Test("Check-in refuses (hard stop) what booking only warns about: REMS enrolment [R19][R21], a current screening (clinic policy)",
          arguments: checkInVectors)
    func checkInHardStops(vector: (Treatment, Bool, Bool, String?, String, [String], String)) {
        let (treatment, applies, enrolled, validThrough, on, expected, source) = vector
        let facts = BookingPreconditions(remsEnrolled: enrolled, planSigned: true, screeningValidThrough: validThrough.map(day), remsRequired: applies)
        let refusals = facts.checkInRefusals(for: treatment, on: day(on))
        #expect(refusals.map(\.code) == expected, "\(source)")
        #expect(refusals.allSatisfy { $0.message.contains("[R19][R21]") || $0.message.contains("clinic policy") }, "each names its source")
    }

    @Test("A freed slot lists the waiting patients it suits, longest waiting first; preferences, the calendar and the ratio decide (clinic policy)")
    func waitlistMatching() {
        func entry(_ name: String, _ treatment: Treatment, referred: String, patient: UUID = UUID(), preference: SlotPreference = .any,
                   status: WaitlistEntry.Status = .waiting) -> (String, WaitlistEntry) {
            (name, WaitlistEntry(id: UUID(), patientID: patient, treatment: treatment, referredOn: day(referred), preference: preference,
                                 status: status, addedAt: Clinic.now))
        }
        let entries = [
            entry("A any time", .ivKetamine, referred: "2026-10-01"),
            entry("B Tuesdays only", .ivKetamine, referred: "2026-09-01", preference: SlotPreference(weekdays: [.tuesday])),
            entry("C from 10:00, too late for a 2-hour slot that ends at 11:00", .ivKetamine, referred: "2026-10-05",
                  preference: SlotPreference(earliest: time("10:00"))),
            entry("D esketamine, prescriber on site Mondays [R20]", .esketamine, referred: "2026-08-01"),
            entry("E removed", .ivKetamine, referred: "2026-07-01", status: .removed),
            entry("F already booked that day", .ivKetamine, referred: "2026-06-01", patient: Clinic.patientY),
            entry("G offered earlier, still open", .imKetamine, referred: "2026-10-02", status: .offered),
        ]
        // X's 09:00–11:00 booking in Chair 1 on Monday 23 November is cancelled.
        let book = Clinic.book([Clinic.existing[1]])
        let freed = FreedSlot(chairID: Clinic.chairs[0].id, slot: slot("2026-11-23", "09:00", "11:00"))
        let found = WaitlistMatching.matches(for: freed, entries: entries.map(\.1), book: book, now: Clinic.now)
        let names = Dictionary(uniqueKeysWithValues: entries.map { ($0.1.id, $0.0) })
        #expect(found.map { names[$0.entry.id]! } == ["D esketamine, prescriber on site Mondays [R20]", "A any time", "G offered earlier, still open"])
        #expect(found.allSatisfy { $0.slot == freed.slot })
        // A freed Tuesday slot: no prescriber that day, and the only nurse is away (clinic policy ratio), so no one.
        let tuesday = FreedSlot(chairID: Clinic.chairs[0].id, slot: slot("2026-11-24", "09:00", "11:00"))
        #expect(WaitlistMatching.matches(for: tuesday, entries: entries.map(\.1), book: book, now: Clinic.now).isEmpty)
        // The patient who freed the slot is left out.
        let a = entries[0].1
        #expect(!WaitlistMatching.matches(for: freed, entries: [a], book: book, excluded: [a.patientID], now: Clinic.now).contains { $0.entry == a })
    }

    @Test("A reminder names the clinic, the day, the time and the place, and nothing clinical (clinic policy: privacy)", arguments: [
        ("KetaClinic", "", "2026-11-23", "10:00", "Monday 23 November 2026 at 10:00, at KetaClinic."),
        ("Riverside Clinic", "12 Mill Lane, 2nd floor", "2026-12-31", "08:15", "Thursday 31 December 2026 at 08:15, at Riverside Clinic, 12 Mill Lane, 2nd floor."),
    ])
    func reminderText(clinic: String, place: String, date: String, start: String, expected: String) {
        let reminder = AppointmentReminder(clinicName: clinic, place: place, date: day(date), start: time(start))
        #expect(reminder.body.contains(expected), "\(reminder.body)")
        #expect(reminder.subject.hasPrefix("Appointment reminder: "))
        for clinical in ["ketamine", "Esketamine", "esketamine", "IV", "IM", "infusion", "dose", "mg", "Chair", "spray", "depression"] {
            #expect(!(reminder.body + reminder.subject).contains(clinical), "\(clinical) must not appear in a reminder")
        }
    }

    @Test("Reminder policy: 24 hours before by default (clinic policy); bad values and header-injecting addresses are refused")
    func reminderPolicy() throws {
        #expect(ReminderPolicy.defaults.hoursBefore == 24 && ReminderPolicy.defaults.enabled)
        #expect(AppointmentReminder.due(startingAt: Clinic.now, policy: .defaults) == Clinic.now.addingTimeInterval(-86_400))
        for (policy, field) in [
            (ReminderPolicy(enabled: true, hoursBefore: 0, place: "", smtp: nil), "hoursBefore"),
            (ReminderPolicy(enabled: true, hoursBefore: 24, place: "a\nBcc: x@y.org", smtp: nil), "place"),
            (ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: SMTPRelay(host: "", port: 25, sender: "desk@clinic.org")), "smtp.host"),
            (ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: SMTPRelay(host: "relay", port: 70000, sender: "desk@clinic.org")), "smtp.port"),
            (ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: SMTPRelay(host: "relay", port: 25, sender: "desk@clinic.org>\r\nRCPT")), "smtp.sender"),
        ] {
            #expect(throws: FieldErrors.self, "\(field)") { _ = try policy.validated() }
        }
        #expect(EmailText.isPlainAddress("ada.lovelace@example.org"))
        for bad in ["ada", "ada@", "@example.org", "a b@example.org", "ada@example.org>", "ada@example.org\r\nDATA", "ada@localhost"] {
            #expect(!EmailText.isPlainAddress(bad), "\(bad)")
        }
    }

    @Test("Policy bounds: the esketamine chair time never drops under the REMS 2 hours [R19]")
    func policyBounds() throws {
        #expect(throws: FieldErrors.self) {
            var policy = SchedulingPolicy.defaults
            policy.esketamineChairMinutes = 90
            _ = try policy.validated()
        }
        #expect(throws: FieldErrors.self) {
            var policy = SchedulingPolicy.defaults
            policy.chairsPerNurse = 0
            _ = try policy.validated()
        }
        #expect(try SchedulingPolicy.defaults.validated() == .defaults)
        #expect(SchedulingPolicy.defaults.chairsPerNurse == 2)
    }
}
