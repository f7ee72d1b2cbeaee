import ClinicDomain
import ClinicStorage
import Foundation

/// The demo clinic's calendar, set up once with the demo accounts: the six chairs, the demo
/// prescriber and three nurses (the demo nurse and two colleagues without sign-in details) on shift
/// Monday to Friday 08:00–18:00, the scheduled sessions of the coming week booked into chairs, and
/// two nurses' absence on the busiest booked day, so the week view shows a booking that now breaks
/// the nurse:chair ratio (the conflict the front desk must resolve). Esketamine patients have their
/// REMS enrolment on file, so their sessions can be checked in. One course is left for the front desk
/// to book: Walter Waiting's plan was signed this morning for a first session today, and the rest of
/// his course has no chair yet (his course page proposes the slots).
public enum DemoSchedule {
    /// The family name of the demo patient whose signed course is left unbooked.
    public static let unbookedFamilyName = "Waiting"

    /// Loads the calendar when the clinic has no shifts yet; returns how many sessions it booked.
    @discardableResult
    public static func load(in database: ClinicDatabase, bcryptCost: Int, now: Date) async throws -> Int {
        guard let clinic = try await SQLClinicRepository(database: database).primaryClinic() else { return 0 }
        let schedule = ScheduleRepository(database: database)
        guard try await schedule.shifts(of: clinic.id).isEmpty else { return 0 }
        let users = SQLUserRepository(database: database)
        guard let prescriber = try await users.find(email: EmailAddress(DemoAccounts.email(for: .prescriber))!),
              let nurse = try await users.find(email: EmailAddress(DemoAccounts.email(for: .nurse))!) else { return 0 }
        let stamp = AuditStamp.system("demo loader", at: now)
        let hasher = PasswordHasher(cost: bcryptCost, policy: PasswordPolicy())
        var nurses = [nurse.account.id]
        for number in 2...3 {
            let email = EmailAddress("nurse-\(number)@demo.ketaclinic.test")!
            if let existing = try await users.find(email: email) {
                nurses.append(existing.account.id)
                continue
            }
            let account = try await users.create(NewUser(email: email, displayName: "Demo nurse \(number)", role: .nurse),
                                                 passwordHash: try await hasher.hash(TemporaryPassword.generate()), mustChangePassword: true,
                                                 stamp: stamp)
            nurses.append(account.id)
        }
        if try await schedule.chairs(of: clinic.id).isEmpty {
            for name in try await SessionPolicyRepository(database: database).policy(of: clinic.id).chairs {
                _ = try await schedule.addChair(named: name, to: clinic.id, stamp: stamp)
            }
        }
        let day = DaySpan(start: ClockTime(hour: 8)!, end: ClockTime(hour: 18)!)!
        for weekday in Weekday.mondayToFriday.sorted() {
            for staff in [prescriber.account.id] + nurses {
                try await schedule.addShift(userID: staff, weekday: weekday, span: day, to: clinic.id, stamp: stamp)
            }
        }
        // Book the scheduled sessions of the coming week, patient by patient, as the front desk would.
        let zone = clinic.settings.resolvedTimeZone
        let today = CalendarDate(instant: now, in: zone)
        let plans = TreatmentPlanRepository(database: database)
        // Esketamine patients were enrolled in the REMS before their first treatment, as check-in requires [R19][R21].
        // One grouped query (a large demo clinic has thousands of patients in the window): each
        // esketamine patient's first session day (the demo's courses follow the built-in
        // protocols), then one bulk write for those not yet enrolled.
        let esketamineProtocols = ProtocolLibrary.builtIn.filter { $0.treatment == .esketamine }.map(\.id)
        let firstEsketamineDay = try await plans.firstSessionDays(from: today.adding(days: -120), through: today.adding(days: 60),
                                                                  protocolIDs: esketamineProtocols)
        let enrolled = try await schedule.remsEnrolled(among: Array(firstEsketamineDay.keys))
        let enrolments = firstEsketamineDay.filter { !enrolled.contains($0.key) }.sorted { $0.key.uuidString < $1.key.uuidString }
            .map { (patientID: $0.key, enrolledOn: min($0.value.adding(days: -7), today), reference: "DEMO-REMS-\($0.key.uuidString.prefix(6))") }
        try await schedule.recordRemsEnrolments(enrolments, stamp: stamp)
        let upcoming = try await plans.sessions(from: today.adding(days: 1), through: today.adding(days: 7)).filter { $0.state == .scheduled }
        var booked = 0
        // Once the week's chairs are full, proposals stop finding slots: a run of patients left
        // unbooked ends the booking, so a large clinic does not try every one of its courses.
        var unbookedInARow = 0
        let patients = SQLPatientRepository(database: database)
        for (patientID, sessions) in Dictionary(grouping: upcoming, by: \.patientID).sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            guard unbookedInARow < 12 else { break }
            guard let plan = try await plans.latest(patientID: patientID),
                  try await patients.find(patientID, in: clinic.id)?.registration.familyName != unbookedFamilyName else { continue }
            let ours = sessions.filter { $0.planID == plan.id }
            let book = try await schedule.book(of: clinic.id, from: today, through: today.adding(days: 21), timeZone: zone)
            let proposed = CourseBooking.propose(ours.map { SessionToBook(sessionID: $0.id, number: $0.number, plannedDate: $0.date) },
                                                 patientID: patientID, treatment: plan.treatmentProtocol.treatment,
                                                 minimumDaysBetweenSessions: plan.treatmentProtocol.schedule.minimumDaysBetweenSessions,
                                                 preference: .any, book: book, now: now)
            var bookedNow = 0
            for booking in proposed.compactMap(\.booking) where booking.slot.date <= today.adding(days: 7) {
                if (try? await schedule.book(booking, in: clinic.id, timeZone: zone, now: now, stamp: stamp)) != nil { bookedNow += 1 }
            }
            booked += bookedNow
            unbookedInARow = bookedNow == 0 ? unbookedInARow + 1 : 0
        }
        // Two nurses away on the busiest day: the week view flags the bookings now over the ratio.
        let week = try await schedule.book(of: clinic.id, from: today.adding(days: 1), through: today.adding(days: 7), timeZone: zone)
        let busiest = (1...7).map { today.adding(days: $0) }.max { week.bookings(on: $0).count < week.bookings(on: $1).count }
        if let busiest, week.bookings(on: busiest).count >= 3 {
            for away in nurses.dropFirst() {
                try await schedule.addAbsence(StaffAbsence(userID: away, from: busiest, through: busiest, reason: "sick leave")!, to: clinic.id,
                                              stamp: stamp)
            }
        }
        return booked
    }
}
