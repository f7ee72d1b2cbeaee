import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Scheduling in storage: resources, bookings, conflicts, races")
struct ScheduleRepositoryTests {
    private let utc = TimeZone(identifier: "UTC")!

    private struct Setup {
        let clinic: Clinic
        let schedule: ScheduleRepository
        let plans: TreatmentPlanRepository
        let nurse: UserAccount
        let frontDesk: UserAccount
    }

    private func setUp(_ database: ClinicDatabase) async throws -> Setup {
        let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
        let users = SQLUserRepository(database: database)
        let nurse = try await users.create(NewUser(email: EmailAddress("nurse@test.clinic")!, displayName: "Nina Nurse", role: .nurse),
                                           passwordHash: "x", mustChangePassword: false, stamp: Fixtures.stamp)
        let desk = try await users.create(NewUser(email: EmailAddress("desk@test.clinic")!, displayName: "Dee Desk", role: .frontDesk),
                                          passwordHash: "x", mustChangePassword: false, stamp: Fixtures.stamp)
        return Setup(clinic: clinic, schedule: ScheduleRepository(database: database), plans: TreatmentPlanRepository(database: database),
                     nurse: nurse, frontDesk: desk)
    }

    /// Registers a patient and signs a 6-session IV plan starting Monday 23 November 2026; returns its sessions.
    private func patientWithPlan(_ database: ClinicDatabase, _ s: Setup, given: String) async throws -> (UUID, [ScheduledSession]) {
        let patient = try await SQLPatientRepository(database: database).register(Fixtures.registration(given: given), in: s.clinic.id,
                                                                                    stamp: Fixtures.stamp)
        let records = SQLPatientRecordRepository(database: database)
        _ = try await records.add(WeightMeasurement(kilograms: 70, measuredOn: Fixtures.today), to: patient.id, stamp: Fixtures.stamp)
        let chart = try #require(try await records.chart(patient.id, in: s.clinic.id))
        let result = ScreeningEngine.evaluate(chart.record, policy: .defaults, jurisdiction: Jurisdiction(code: "US")!, today: Fixtures.today)
        let resistance = TreatmentResistanceCalculator.assess(trials: [], episode: nil, policy: .defaults, today: Fixtures.today)
        let screening = try await ScreeningRepository(database: database).sign(patientID: patient.id, record: chart.record,
                                                                               recordRevision: chart.revision, result: result, review: ScreeningReview(),
                                                                               resistance: resistance, stamp: Fixtures.stamp)
        let request = TreatmentPlanRequest(protocolID: "iv-ketamine-standard", start: Fixtures.today.adding(days: 1), sessionCount: 6,
                                           target: .mgPerKg(0.5))
        let review = TreatmentPlanReview(request, protocol: ProtocolLibrary.ivStandard, patient: PlanPatient(weight: Kilograms(70)),
                                         screening: screening, recordRevision: chart.revision, today: Fixtures.today,
                                         workingDays: Weekday.mondayToFriday)
        _ = try await s.plans.sign(patientID: patient.id, recordRevision: chart.revision, request: request, review: review,
                                   screeningVersion: screening.version, stamp: Fixtures.stamp)
        return (patient.id, try await s.plans.sessions(patientID: patient.id))
    }

    private func fullDay() -> DaySpan { DaySpan(start: ClockTime(hour: 8)!, end: ClockTime(hour: 18)!)! }

    private func slot(_ date: String, _ start: Int) -> DaySlot {
        DaySlot(date: CalendarDate(iso: date)!, span: DaySpan(start: ClockTime(hour: start)!, end: ClockTime(hour: start + 2)!)!)
    }

    private func bookingCount(_ database: ClinicDatabase) async throws -> Int {
        try await database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM session_bookings").first()!.decode(column: "n", as: Int.self) }
    }

    @Test("Chairs, hours, closures, shifts and absences are stored and audited; bad input is refused", arguments: TestDatabases.engines)
    func resources(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let one = try await s.schedule.addChair(named: "Chair 1", to: s.clinic.id, stamp: Fixtures.stamp)
            _ = try await s.schedule.addChair(named: "Chair 2", to: s.clinic.id, stamp: Fixtures.stamp)
            await #expect(throws: ScheduleInputError.self, "a second Chair 1") {
                try await s.schedule.addChair(named: "chair 1", to: s.clinic.id, stamp: Fixtures.stamp)
            }
            await #expect(throws: ScheduleInputError.self, "an empty name") {
                try await s.schedule.addChair(named: "  ", to: s.clinic.id, stamp: Fixtures.stamp)
            }
            try await s.schedule.setChair(one.id, active: false, in: s.clinic.id, stamp: Fixtures.stamp)
            #expect(try await s.schedule.chairs(of: s.clinic.id).map { "\($0.name):\($0.isActive)" } == ["Chair 1:false", "Chair 2:true"])

            #expect(try await s.schedule.openingHours(of: s.clinic.id) == .standard)
            var hours = OpeningHours.standard
            hours.days[.saturday] = DaySpan(start: ClockTime(hour: 9)!, end: ClockTime(hour: 13)!)
            try await s.schedule.update(hours, of: s.clinic.id, stamp: Fixtures.stamp)
            #expect(try await s.schedule.openingHours(of: s.clinic.id).days[.saturday]?.description == "09:00–13:00")
            #expect(try await s.schedule.policy(of: s.clinic.id).chairsPerNurse == 2, "1:2 is the documented default (clinic policy)")

            try await s.schedule.addClosure(Closure(date: CalendarDate(iso: "2026-12-25")!, reason: "Christmas Day"), to: s.clinic.id, stamp: Fixtures.stamp)
            #expect(try await s.schedule.closures(of: s.clinic.id, from: Fixtures.today).map(\.reason) == ["Christmas Day"])
            try await s.schedule.removeClosure(on: CalendarDate(iso: "2026-12-25")!, from: s.clinic.id, stamp: Fixtures.stamp)
            #expect(try await s.schedule.closures(of: s.clinic.id, from: Fixtures.today).isEmpty)

            try await s.schedule.addShift(userID: s.nurse.id, weekday: .monday, span: fullDay(), to: s.clinic.id, stamp: Fixtures.stamp)
            await #expect(throws: ScheduleInputError.self, "the front desk staffs no chair") {
                try await s.schedule.addShift(userID: s.frontDesk.id, weekday: .monday, span: fullDay(), to: s.clinic.id, stamp: Fixtures.stamp)
            }
            #expect(try await s.schedule.shifts(of: s.clinic.id).map { "\($0.name) \($0.function) \($0.weekday.code) \($0.span)" }
                    == ["Nina Nurse nurse mon 08:00–18:00"])
            try await s.schedule.addAbsence(StaffAbsence(userID: s.nurse.id, from: CalendarDate(iso: "2026-11-30")!,
                                                         through: CalendarDate(iso: "2026-11-30")!, reason: "training")!, to: s.clinic.id,
                                            stamp: Fixtures.stamp)
            let book = try await s.schedule.book(of: s.clinic.id, from: CalendarDate(iso: "2026-11-30")!, through: CalendarDate(iso: "2026-11-30")!,
                                                 timeZone: utc)
            #expect(book.staff(.nurse, coveringWhole: slot("2026-11-30", 9)).isEmpty, "away on the 30th")
            #expect(book.staff(.nurse, coveringWhole: slot("2026-11-23", 9)) == [s.nurse.id])
            let audited = try await AuditTrail(database: database).page(AuditFilter(), limit: 100).map(\.event.entityType)
            for type in ["schedule_chair", "opening_hours", "schedule_closure", "schedule_shift", "schedule_absence"] {
                #expect(audited.contains(type), "\(type) is audited")
            }
        }
    }

    @Test("A course is proposed and booked; a clash is refused and stores nothing; a move is audited; a late cancellation is recorded",
          arguments: TestDatabases.engines)
    func bookMoveCancel(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let chair1 = try await s.schedule.addChair(named: "Chair 1", to: s.clinic.id, stamp: Fixtures.stamp)
            for day in Weekday.mondayToFriday {
                try await s.schedule.addShift(userID: s.nurse.id, weekday: day, span: fullDay(), to: s.clinic.id, stamp: Fixtures.stamp)
            }
            let (ada, sessions) = try await patientWithPlan(database, s, given: "Ada")
            let first = sessions[0].date, last = sessions[5].date
            let book = try await s.schedule.book(of: s.clinic.id, from: first, through: last.adding(days: 14), timeZone: utc)
            let proposed = CourseBooking.propose(sessions.map { SessionToBook(sessionID: $0.id, number: $0.number, plannedDate: $0.date) },
                                                 patientID: ada, treatment: .ivKetamine, minimumDaysBetweenSessions: 2, preference: .any,
                                                 book: book, now: Fixtures.now)
            #expect(proposed.allSatisfy { $0.booking != nil })
            for booking in proposed.compactMap(\.booking) {
                try await s.schedule.book(booking, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            }
            #expect(try await bookingCount(database) == 6)
            #expect(try await s.plans.sessions(patientID: ada).map(\.date) == proposed.compactMap(\.booking).map(\.slot.date))

            // A second patient on the same chair and hour: refused with the reason, nothing stored.
            let (bob, bobSessions) = try await patientWithPlan(database, s, given: "Bob")
            let taken = try #require(proposed[0].booking)
            let clash = Booking(sessionID: bobSessions[0].id, patientID: bob, chairID: chair1.id, slot: taken.slot, treatment: .ivKetamine)
            await #expect(throws: BookingRefused.self) {
                try await s.schedule.book(clash, in: s.clinic.id, timeZone: self.utc, now: Fixtures.now, stamp: Fixtures.stamp)
            }
            do {
                try await s.schedule.book(clash, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            } catch let refused as BookingRefused {
                #expect(refused.conflicts.map(\.code) == ["chair-double-booked"])
            }
            let past = Booking(sessionID: bobSessions[0].id, patientID: bob, chairID: chair1.id, slot: slot("2026-11-20", 9), treatment: .ivKetamine)
            await #expect(throws: BookingRefused.self, "a booking in the past") {
                try await s.schedule.book(past, in: s.clinic.id, timeZone: self.utc, now: Fixtures.now, stamp: Fixtures.stamp)
            }
            let unknown = Booking(sessionID: bobSessions[0].id, patientID: bob, chairID: UUID(), slot: slot("2026-11-24", 14), treatment: .ivKetamine)
            await #expect(throws: BookingRefused.self, "an unknown chair") {
                try await s.schedule.book(unknown, in: s.clinic.id, timeZone: self.utc, now: Fixtures.now, stamp: Fixtures.stamp)
            }
            let wrongPatient = Booking(sessionID: sessions[1].id, patientID: bob, chairID: chair1.id, slot: slot("2026-11-24", 14), treatment: .ivKetamine)
            await #expect(throws: ScheduleInputError.self, "another patient's session") {
                try await s.schedule.book(wrongPatient, in: s.clinic.id, timeZone: self.utc, now: Fixtures.now, stamp: Fixtures.stamp)
            }
            #expect(try await bookingCount(database) == 6, "nothing stored by a refused booking")

            // Move session 2 to the afternoon of session 1's next day: stored, audited, and the interval warning shows.
            let second = try #require(proposed[1].booking)
            let moved = Booking(sessionID: second.sessionID, patientID: ada, chairID: chair1.id,
                                slot: DaySlot(date: taken.slot.date.adding(days: 1), span: slot("2026-11-24", 14).span), treatment: .ivKetamine)
            try await s.schedule.book(moved, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            #expect(try await bookingCount(database) == 6, "a move updates the booking")
            let after = try await s.plans.sessions(patientID: ada)
            let warnings = CourseBooking.intervalWarnings(after.map { ($0.number, $0.date) }, minimumDays: ProtocolLibrary.ivStandard.schedule.minimumDaysBetweenSessions)
            #expect(warnings.map(\.code) == ["minimum-interval"])
            let trail = try await AuditTrail(database: database).page(AuditFilter(patientID: ada), limit: 100)
            #expect(trail.contains { $0.event.entityType == "session_booking" && $0.event.summary.hasPrefix("moved from") })

            // Session 1 is Monday 08:00, 17 hours after "now": late under the 24-hour policy; the last one is not.
            #expect(try await s.schedule.cancel(sessionID: taken.sessionID, in: s.clinic.id, reason: "car broke down", now: Fixtures.now,
                                                stamp: Fixtures.stamp) == true)
            #expect(try await s.schedule.cancel(sessionID: sessions[5].id, in: s.clinic.id, reason: "moving away", now: Fixtures.now,
                                                stamp: Fixtures.stamp) == false)
            #expect(try await s.schedule.lateCancellations(of: s.clinic.id, from: first, through: last.adding(days: 30)) == [taken.sessionID])
            await #expect(throws: ScheduleInputError.self, "a cancelled session cannot be cancelled again") {
                try await s.schedule.cancel(sessionID: taken.sessionID, in: s.clinic.id, reason: "again", now: Fixtures.now, stamp: Fixtures.stamp)
            }
            // The freed chair can now take Bob.
            try await s.schedule.book(clash, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
        }
    }

    @Test("Two front-desk users booking the last chair at once: exactly one wins", arguments: TestDatabases.engines)
    func lastChairRace(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let chair = try await s.schedule.addChair(named: "Chair 1", to: s.clinic.id, stamp: Fixtures.stamp)
            try await s.schedule.addShift(userID: s.nurse.id, weekday: .tuesday, span: fullDay(), to: s.clinic.id, stamp: Fixtures.stamp)
            let (ada, adaSessions) = try await patientWithPlan(database, s, given: "Ada")
            let (bob, bobSessions) = try await patientWithPlan(database, s, given: "Bob")
            let target = slot("2026-11-24", 10)
            // A second connection pool over the same database stands for a second app instance's front desk.
            let secondInstance = try ClinicDatabase(location: database.location, poolSize: 2, logger: TestDatabases.quietLogger,
                                                    keys: database.configuredKeys)
            let other = ScheduleRepository(database: secondInstance)
            for round in 0..<5 {
                let slotThisRound = DaySlot(date: target.date, span: DaySpan(start: ClockTime(hour: 8 + round * 2)!, end: ClockTime(hour: 10 + round * 2)!)!)
                let a = Booking(sessionID: adaSessions[round].id, patientID: ada, chairID: chair.id, slot: slotThisRound, treatment: .ivKetamine)
                let b = Booking(sessionID: bobSessions[round].id, patientID: bob, chairID: chair.id, slot: slotThisRound, treatment: .ivKetamine)
                let stamp = Fixtures.stamp, now = Fixtures.now, utc = self.utc, clinicID = s.clinic.id, schedule = s.schedule
                async let first: Bool = { (try? await schedule.book(a, in: clinicID, timeZone: utc, now: now, stamp: stamp)) != nil }()
                async let second: Bool = { (try? await other.book(b, in: clinicID, timeZone: utc, now: now, stamp: stamp)) != nil }()
                let results = await [first, second]
                #expect(results.filter { $0 }.count == 1, "round \(round): exactly one wins")
                // Free the chair's day for the next round: each patient may hold one session a day.
                let winner = results[0] ? a : b
                _ = try await s.schedule.cancel(sessionID: winner.sessionID, in: s.clinic.id, reason: "next round", now: Fixtures.now,
                                                stamp: Fixtures.stamp)
            }
            await secondInstance.shutDown()
            #expect(try await bookingCount(database) == 5)
        }
    }

    @Test("Check-in hard stops read the stored REMS enrolment and the latest screening against the policy's validity",
          arguments: TestDatabases.engines)
    func checkInFacts(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let (patient, _) = try await patientWithPlan(database, s, given: "Ada")   // screening signed 2026-11-22
            // IV: current through 2026-11-22 + 365 days (clinic policy); expired after a shorter policy.
            #expect(try await s.schedule.checkInRefusals(patientID: patient, treatment: .ivKetamine, on: Fixtures.today.adding(days: 365),
                                                         in: s.clinic).isEmpty)
            #expect(try await s.schedule.checkInRefusals(patientID: patient, treatment: .ivKetamine, on: Fixtures.today.adding(days: 366),
                                                         in: s.clinic).map(\.code) == ["screening-expired"])
            var policy = SchedulingPolicy.defaults
            policy.screeningValidDays = 7
            try await s.schedule.update(policy, of: s.clinic.id, stamp: Fixtures.stamp)
            #expect(try await s.schedule.checkInRefusals(patientID: patient, treatment: .imKetamine, on: Fixtures.today.adding(days: 8),
                                                         in: s.clinic).map(\.code) == ["screening-expired"])
            // Esketamine in a US clinic: the REMS enrolment must be on file [R19][R21], then check-in may go ahead.
            #expect(try await s.schedule.checkInRefusals(patientID: patient, treatment: .esketamine, on: Fixtures.today, in: s.clinic)
                .map(\.code) == ["rems-not-enrolled"])
            try await s.schedule.recordRemsEnrolment(patientID: patient, enrolledOn: Fixtures.today, reference: "R-1", stamp: Fixtures.stamp)
            #expect(try await s.schedule.checkInRefusals(patientID: patient, treatment: .esketamine, on: Fixtures.today, in: s.clinic).isEmpty)
            // A patient with no screening at all is refused for IV.
            let bare = try await SQLPatientRepository(database: database).register(Fixtures.registration(given: "Cy"), in: s.clinic.id,
                                                                                     stamp: Fixtures.stamp)
            #expect(try await s.schedule.checkInRefusals(patientID: bare.id, treatment: .ivKetamine, on: Fixtures.today, in: s.clinic)
                .map(\.code) == ["screening-missing"])
        }
    }

    @Test("Bulk REMS enrolments: each new one stored with its audit entry, one already on file kept as it was", arguments: TestDatabases.engines)
    func bulkRemsEnrolments(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let patients = SQLPatientRepository(database: database)
            var ids: [UUID] = []
            for given in ["Ada", "Bea", "Cy"] {
                ids.append(try await patients.register(Fixtures.registration(given: given), in: s.clinic.id, stamp: Fixtures.stamp).id)
            }
            try await s.schedule.recordRemsEnrolment(patientID: ids[0], enrolledOn: Fixtures.today, reference: "FIRST", stamp: Fixtures.stamp)
            let trail = AuditTrail(database: database)
            let audited = { try await trail.page(AuditFilter(action: .create), limit: 1_000).filter { $0.event.entityType == "rems_enrolment" }.count }
            #expect(try await audited() == 1)
            let recorded = try await s.schedule.recordRemsEnrolments(
                ids.map { (patientID: $0, enrolledOn: Fixtures.today.adding(days: -7), reference: "BULK") }, stamp: Fixtures.stamp)
            #expect(recorded == 2, "the patient already enrolled is not counted again")
            #expect(try await audited() == 3, "one audit entry for each new enrolment")
            #expect(try await s.schedule.remsEnrolment(of: ids[0])?.reference == "FIRST", "an enrolment on file is never changed")
            #expect(try await s.schedule.remsEnrolment(of: ids[2])?.reference == "BULK")
            #expect(try await s.schedule.remsEnrolled(among: ids + [UUID.random()]) == Set(ids))
        }
    }

    @Test("The waitlist: add (one open entry per treatment), offer, book into a freed slot with the entry in one transaction, remove; all audited",
          arguments: TestDatabases.engines)
    func waitlist(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let chair = try await s.schedule.addChair(named: "Chair 1", to: s.clinic.id, stamp: Fixtures.stamp)
            for weekday in Weekday.mondayToFriday {
                try await s.schedule.addShift(userID: s.nurse.id, weekday: weekday, span: fullDay(), to: s.clinic.id, stamp: Fixtures.stamp)
            }
            let (ada, adaSessions) = try await patientWithPlan(database, s, given: "Ada")
            let (bob, bobSessions) = try await patientWithPlan(database, s, given: "Bob")
            let waitlist = WaitlistRepository(database: database)
            // Ada holds Tuesday 10:00; Bob's second session is on a later day and he wants an earlier slot.
            let adaBooking = Booking(sessionID: adaSessions[0].id, patientID: ada, chairID: chair.id, slot: slot("2026-11-24", 10), treatment: .ivKetamine)
            try await s.schedule.book(adaBooking, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            let entry = try await waitlist.add(patientID: bob, treatment: .ivKetamine, referredOn: CalendarDate(iso: "2026-11-01")!,
                                               preference: SlotPreference(weekdays: [.tuesday]), to: s.clinic.id, stamp: Fixtures.stamp)
            await #expect(throws: ScheduleInputError.self, "one open entry per patient and treatment") {
                _ = try await waitlist.add(patientID: bob, treatment: .ivKetamine, referredOn: Fixtures.today, preference: .any, to: s.clinic.id,
                                           stamp: Fixtures.stamp)
            }
            #expect(try await waitlist.entries(of: s.clinic.id).map(\.id) == [entry.id])
            #expect(try await waitlist.entries(of: s.clinic.id).first?.preference.weekdays == [.tuesday], "the preference round-trips")

            // Ada cancels; the freed slot suits Bob.
            try await s.schedule.cancel(sessionID: adaSessions[0].id, in: s.clinic.id, reason: "patient unwell", now: Fixtures.now, stamp: Fixtures.stamp)
            let book = try await s.schedule.book(of: s.clinic.id, from: adaBooking.slot.date, through: adaBooking.slot.date, timeZone: utc)
            let freed = FreedSlot(chairID: chair.id, slot: adaBooking.slot)
            let matches = WaitlistMatching.matches(for: freed, entries: try await waitlist.entries(of: s.clinic.id), book: book, now: Fixtures.now)
            #expect(matches.map(\.entry.id) == [entry.id])
            try await waitlist.markOffered(entry.id, slot: freed.slot, chairName: chair.name, in: s.clinic.id, stamp: Fixtures.stamp)
            #expect(try await waitlist.entry(entry.id, in: s.clinic.id)?.status == .offered)

            // A refused booking leaves the entry open and stores nothing.
            let clash = Booking(sessionID: bobSessions[1].id, patientID: bob, chairID: chair.id, slot: slot("2026-11-24", 7), treatment: .ivKetamine)
            await #expect(throws: BookingRefused.self) {
                try await waitlist.book(entry.id, booking: clash, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            }
            #expect(try await waitlist.entry(entry.id, in: s.clinic.id)?.status == .offered)
            let good = Booking(sessionID: bobSessions[1].id, patientID: bob, chairID: chair.id, slot: freed.slot, treatment: .ivKetamine)
            try await waitlist.book(entry.id, booking: good, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            #expect(try await waitlist.entry(entry.id, in: s.clinic.id)?.status == .booked)
            #expect(try await waitlist.entries(of: s.clinic.id).isEmpty, "no longer waiting")
            let after = try await s.schedule.book(of: s.clinic.id, from: freed.slot.date, through: freed.slot.date, timeZone: utc)
            #expect(after.bookings(on: freed.slot.date).map(\.sessionID) == [bobSessions[1].id])

            // Removal needs a reason and an open entry.
            let second = try await waitlist.add(patientID: ada, treatment: .esketamine, referredOn: Fixtures.today, preference: .any, to: s.clinic.id,
                                                stamp: Fixtures.stamp)
            await #expect(throws: ScheduleInputError.self) { try await waitlist.remove(second.id, reason: "", in: s.clinic.id, stamp: Fixtures.stamp) }
            try await waitlist.remove(second.id, reason: "booked at another clinic", in: s.clinic.id, stamp: Fixtures.stamp)
            await #expect(throws: ScheduleInputError.self) {
                try await waitlist.remove(second.id, reason: "again", in: s.clinic.id, stamp: Fixtures.stamp)
            }
            let audit = try await AuditTrail(database: database).page(AuditFilter(patientID: bob), limit: 50).map(\.event.summary)
            #expect(audit.contains { $0.hasPrefix("waitlist for IV ketamine") } && audit.contains { $0.hasPrefix("offered 2026-11-24 10:00") }
                    && audit.contains { $0.hasPrefix("booked from the waitlist") }, "\(audit)")
        }
    }

    @Test("Reminders: a due reminder is claimed by exactly one of two app instances, recorded once, and due again only for a moved start",
          arguments: TestDatabases.engines)
    func reminderClaims(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let chair = try await s.schedule.addChair(named: "Chair 1", to: s.clinic.id, stamp: Fixtures.stamp)
            for weekday in Weekday.mondayToFriday {
                try await s.schedule.addShift(userID: s.nurse.id, weekday: weekday, span: fullDay(), to: s.clinic.id, stamp: Fixtures.stamp)
            }
            let (ada, sessions) = try await patientWithPlan(database, s, given: "Ada")
            // Monday 23 November 10:00 UTC: 19 hours after "now".
            let booking = Booking(sessionID: sessions[0].id, patientID: ada, chairID: chair.id, slot: slot("2026-11-23", 10), treatment: .ivKetamine)
            try await s.schedule.book(booking, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            let reminders = ReminderRepository(database: database)
            #expect(try await reminders.due(in: s.clinic.id, now: Fixtures.now, hoursBefore: 12).isEmpty, "19 hours ahead is not due at 12")
            let due = try await reminders.due(in: s.clinic.id, now: Fixtures.now, hoursBefore: 24)
            #expect(due.map(\.sessionID) == [sessions[0].id])

            let secondInstance = try ClinicDatabase(location: database.location, poolSize: 2, logger: TestDatabases.quietLogger,
                                                    keys: database.configuredKeys)
            let other = ReminderRepository(database: secondInstance)
            let item = try #require(due.first)
            let clinicID = s.clinic.id
            async let first = reminders.claim(item, clinicID: clinicID, instance: "a", now: Fixtures.now)
            async let second = other.claim(item, clinicID: clinicID, instance: "b", now: Fixtures.now)
            let won = try await [first, second]
            await secondInstance.shutDown()
            #expect(won.filter { $0 }.count == 1, "exactly one instance sends it")
            #expect(try await reminders.due(in: s.clinic.id, now: Fixtures.now, hoursBefore: 24).isEmpty, "claimed: no longer due")
            #expect(try await !reminders.claim(item, clinicID: clinicID, instance: "c", now: Fixtures.now.addingTimeInterval(60)),
                    "a fresh claim is not taken over")
            #expect(try await reminders.claim(item, clinicID: clinicID, instance: "c", now: Fixtures.now.addingTimeInterval(601)),
                    "a claim left unfinished for 10 minutes is taken over")
            try await reminders.finish(item, status: .sent, channel: "email", recipient: "•••org", detail: nil, stamp: Fixtures.stamp)
            #expect(try await !reminders.claim(item, clinicID: clinicID, instance: "d", now: Fixtures.now.addingTimeInterval(7200)), "sent: never again")
            let records = try await reminders.records(in: s.clinic.id, from: Fixtures.now, to: Fixtures.now.addingTimeInterval(86_400))
            #expect(records.map(\.status) == [.sent])

            // Moved to 14:00: a new start, so a new reminder is due.
            let moved = Booking(sessionID: sessions[0].id, patientID: ada, chairID: chair.id, slot: slot("2026-11-23", 14), treatment: .ivKetamine)
            try await s.schedule.book(moved, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            #expect(try await reminders.due(in: s.clinic.id, now: Fixtures.now, hoursBefore: 24).map(\.slot.span.start) == [ClockTime(hour: 14)!])
            let audit = try await AuditTrail(database: database).page(AuditFilter(patientID: ada), limit: 50).map(\.event.summary)
            #expect(audit.contains("appointment reminder sent by email for 2026-11-23 10:00–12:00"))
        }
    }

    @Test("Questionnaire links: claimed apart from the appointment reminder, by exactly one of two instances; the record names the link and instruments",
          arguments: TestDatabases.engines)
    func questionnaireClaims(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let chair = try await s.schedule.addChair(named: "Chair 1", to: s.clinic.id, stamp: Fixtures.stamp)
            for weekday in Weekday.mondayToFriday {
                try await s.schedule.addShift(userID: s.nurse.id, weekday: weekday, span: fullDay(), to: s.clinic.id, stamp: Fixtures.stamp)
            }
            let (ada, sessions) = try await patientWithPlan(database, s, given: "Ada")
            let booking = Booking(sessionID: sessions[0].id, patientID: ada, chairID: chair.id, slot: slot("2026-11-23", 10), treatment: .ivKetamine)
            try await s.schedule.book(booking, in: s.clinic.id, timeZone: utc, now: Fixtures.now, stamp: Fixtures.stamp)
            let reminders = ReminderRepository(database: database)
            // The appointment reminder is sent: the questionnaire link is still due (its own record).
            let appointment = try #require(try await reminders.due(in: s.clinic.id, now: Fixtures.now, hoursBefore: 24).first)
            #expect(try await reminders.claim(appointment, clinicID: s.clinic.id, instance: "a", now: Fixtures.now))
            try await reminders.finish(appointment, status: .sent, channel: "email", recipient: "•••org", detail: nil, stamp: Fixtures.stamp)
            let monday8 = Fixtures.now.addingTimeInterval(17 * 3600)
            let due = try await reminders.due(in: s.clinic.id, now: monday8, hoursBefore: 3, kind: .questionnaire)
            #expect(due.map(\.sessionID) == [sessions[0].id])
            let item = try #require(due.first)

            let secondInstance = try ClinicDatabase(location: database.location, poolSize: 2, logger: TestDatabases.quietLogger,
                                                    keys: database.configuredKeys)
            let other = ReminderRepository(database: secondInstance)
            let clinicID = s.clinic.id
            async let first = reminders.claim(item, clinicID: clinicID, instance: "a", now: monday8, kind: .questionnaire)
            async let second = other.claim(item, clinicID: clinicID, instance: "b", now: monday8, kind: .questionnaire)
            let won = try await [first, second]
            await secondInstance.shutDown()
            #expect(won.filter { $0 }.count == 1, "exactly one instance issues and sends the link")
            #expect(try await reminders.due(in: s.clinic.id, now: monday8, hoursBefore: 3, kind: .questionnaire).isEmpty)
            let (link, _) = try await SelfReportLinkRepository(database: database).create(patientID: ada, instruments: [.phq9], lifetimeHours: 3,
                                                                                          stamp: Fixtures.stamp)
            try await reminders.finish(item, status: .sent, channel: "sms", recipient: "•••100", detail: nil, stamp: Fixtures.stamp,
                                       kind: .questionnaire, linkID: link.id, instruments: [.phq9])
            #expect(try await !reminders.claim(item, clinicID: clinicID, instance: "c", now: monday8.addingTimeInterval(3600), kind: .questionnaire),
                    "sent: never again")
            let records = try await reminders.records(in: s.clinic.id, from: Fixtures.now, to: Fixtures.now.addingTimeInterval(86_400))
            #expect(records.map(\.kind) == [.appointment, .questionnaire])
            #expect(records.last?.linkID == link.id && records.last?.instruments == [.phq9] && records.last?.channel == "sms")
            #expect(records.first?.linkID == nil && records.first?.instruments == [])
            let audit = try await AuditTrail(database: database).page(AuditFilter(patientID: ada), limit: 50).map(\.event.summary)
            #expect(audit.contains("questionnaire link (phq9) sent by sms for 2026-11-23 10:00–12:00"), "\(audit)")
        }
    }
}
